import Foundation
public import OrchModel

extension Supervisor {
    /// A worker's agent preset (built in, from git config, or `.orch/agents.json`); the worker
    /// process resolves its own the same way.
    public static func preset(for record: WorkerRecord, config: RuntimeConfig, root: String) throws(RuntimeError) -> AgentPreset {
        do {
            return try AgentPresets.resolve(record.agent, gitConfig: config.agentKeys, presetFile: root + "/.orch/agents.json")
        } catch {
            throw .agent("worker \(record.name): \(error.description)")
        }
    }

    /// Resolves each worker's preset and checks that its agent can run here (AgentPreflight);
    /// throws one line naming the agent and the fix on the first problem, before any worker is
    /// spawned or any task claimed. Returns the team with each agent's version recorded.
    func preflight(_ team: [WorkerRecord], config: RuntimeConfig) throws(RuntimeError) -> [WorkerRecord] {
        var versions: [String: String?] = [:]
        var checked = team
        for index in checked.indices {
            let record = checked[index]
            let preset = try Self.preset(for: record, config: config, root: repositoryRoot)
            if versions[record.agent] == nil {
                let findings = AgentPreflight.check(AgentPreflight.Input(preset: preset, runsAsUID: confinement.isConfined ? SandboxIdentity.current.uid : nil))
                if let problem = findings.first(where: { $0.status == .problem }) { throw .agent(problem.description) }
                versions[record.agent] = .some(findings.compactMap(\.version).first)
            }
            checked[index].agentVersion = versions[record.agent] ?? nil
        }
        return checked
    }
}
