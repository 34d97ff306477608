import Foundation
public import GitKit
import OrchModel
import OrchStore

/// `git orch doctor`: every check, in the order printed. `startChecks` are the ones that make
/// `git orch start` fail, so start runs them first and can point to doctor.
public enum Doctor {
    /// The agents a team started here would run: the one asked for, else the registered
    /// workers', else the default.
    public static func agents(requested: String?, repository: Repository) throws(RuntimeError) -> [String] {
        if let requested { return [requested] }
        let registered = try store { () throws(StoreError) in try WorkerRegistry(repository: repository).all() }
        let names = registered.filter { !$0.retired }.map(\.agent)
        var seen = Set<String>()
        let unique = names.filter { seen.insert($0).inserted }
        return unique.isEmpty ? [TeamRequest.defaultAgent] : unique
    }

    /// Everything: tools, repository, agents, test command, hooks, remote, sandbox, disk.
    /// Outside a repository (or one that cannot be opened) that is reported and the rest left out.
    public static func checks(repository opened: Result<Repository, GitError>, agent: String?, environment: DoctorEnvironment) -> [DoctorCheck] {
        var checks = ToolVersionChecks.checks(environment: environment)
        let repository: Repository
        switch opened {
        case .success(let found): repository = found
        case .failure(let error) where error.isNotFound:
            checks.append(.failed("repository", "not in a git repository", fix: "cd into your project, or git init"))
            return checks
        case .failure(let error):
            checks.append(.failed("repository", error.description, fix: "see docs/user-guide.md#troubleshooting"))
            return checks
        }
        let root = repository.workingDirectory ?? repository.commonDirectory
        let read = Result { () throws(RuntimeError) in try RuntimeConfig.read(in: root) }
        // Unreadable: the settings check (startChecks) fails saying why; the other checks see the defaults.
        let config = (try? read.get()) ?? RuntimeConfig()
        let agents: [String]
        do { agents = try Self.agents(requested: agent, repository: repository) } catch {
            checks.append(.failed("workers", error.description, fix: "see docs/user-guide.md#troubleshooting"))
            agents = [TeamRequest.defaultAgent]
        }
        checks += startChecks(repository: repository, agents: agents, config: read, environment: environment)
        checks.append(TestCommandCheck.check(config: config, root: root, environment: environment))
        checks.append(RepositoryChecks.orchFolder(root: root))
        checks.append(RepositoryChecks.hooks(repository))
        checks.append(RepositoryChecks.remote(repository, config: config))
        if !sandboxRequired(config) { checks.append(SandboxAvailabilityCheck.check(required: false, environment: environment)) }
        return checks
    }

    /// What `git orch start` needs: a working tree, the graph, a main branch with a commit,
    /// readable settings, no team running, each agent found and willing to run unattended, the
    /// sandbox when it is asked for, and disk space.
    /// `createsGraph`: start makes the graph itself (a mission's starting tasks), so none yet is fine.
    /// `read`: the `orch.*` config, or why git could not read it (the settings check fails then).
    public static func startChecks(repository: Repository, agents: [String], config read: Result<RuntimeConfig, RuntimeError>,
                                   environment: DoctorEnvironment, probeVersions: Bool = true, createsGraph: Bool = false) -> [DoctorCheck] {
        let config: RuntimeConfig
        let settingsCheck: DoctorCheck
        switch read {
        case .success(let found):
            config = found
            settingsCheck = RepositoryChecks.settings(found)
        case .failure(let error):
            config = RuntimeConfig()
            settingsCheck = .failed("settings", "the orch.* settings cannot be read: \(error.description)", fix: "git config --list --show-origin says which file git cannot read")
        }
        let repositoryCheck = RepositoryChecks.repository(repository)
        guard let root = repository.workingDirectory else { return [repositoryCheck] }
        let paths = RuntimePaths(repository: repository)
        var checks = [repositoryCheck]
        if !createsGraph { checks.append(RepositoryChecks.graph(repository)) }
        checks += [RepositoryChecks.mainBranch(repository), settingsCheck, RepositoryChecks.supervisor(paths)]
        // As `start` decides it: the agents run as a non-root uid when the sandbox confines them.
        // (An unreadable orch.sandbox is the settings check's to report.)
        let confined = (try? SandboxMode(config)) != .off && Sandbox.availability().available
        for agent in agents {
            do {
                let preset = try AgentPresets.resolve(agent, gitConfig: config.agentKeys, presetFile: root + "/.orch/agents.json")
                checks += AgentReadinessCheck.checks(agent: agent, preset: preset, environment: environment, probeVersion: probeVersions,
                                                     confined: confined)
            } catch {
                checks.append(.failed("agent \(agent)", error.description, fix: "see 'git orch start --help' and docs/workers.md for presets"))
            }
        }
        if sandboxRequired(config) { checks.append(SandboxAvailabilityCheck.check(required: true, environment: environment)) }
        checks.append(RepositoryChecks.disk(paths, repository: repository))
        return checks
    }

    /// `orch.sandbox bwrap`: agents must run sandboxed, so no sandbox is a failure. (An unreadable
    /// value is the settings check's to report.)
    static func sandboxRequired(_ config: RuntimeConfig) -> Bool {
        (try? SandboxMode(config)) == .bwrap
    }
}
