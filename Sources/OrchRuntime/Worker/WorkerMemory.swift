import Foundation
import OrchModel

/// What a worker keeps between runs in `.git/orch/run/` (local, never shared): the agent's session
/// id for the task in hand, why each task's last attempt failed, and the MCP client configuration.
struct WorkerMemory {
    let paths: RuntimePaths
    let worker: String
    /// Whether the agent can resume a session (its preset says how): else none is kept.
    let resumable: Bool

    private var sessionFile: String { paths.run + "/\(worker).session" }
    private func failureFile(_ id: TaskID) -> String { paths.run + "/failures/\(id.hex)" }

    /// Session ids: a fresh one per task, reused when resuming the same task after a restart so
    /// an agent that can resume picks up its own conversation. The session file holds only what
    /// the agent reported (`rememberSession`); a handoff removes it, so the next run starts fresh.
    func session(for task: TaskID) -> (id: String, resuming: Bool) {
        // No session file is normal (a new task); an unreadable one only costs the resume.
        if resumable, let text = try? String(contentsOfFile: sessionFile, encoding: .utf8) {
            let parts = text.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            if parts.count == 2, parts[0] == task.hex { return (parts[1], true) }
        }
        unlink(sessionFile)
        return (UUID().uuidString.lowercased(), false)
    }

    func rememberSession(_ id: String, of task: TaskID) {
        guard resumable else { return }
        _ = FileManager.default.createFile(atPath: sessionFile, contents: Data("\(task.hex) \(id)\n".utf8))
    }

    /// Why a task's last attempt failed, for the next attempt's prompt (whoever takes it here).
    /// Best effort: a reason not kept only leaves the next prompt without it (the task's state is
    /// in the graph, and the failure in the event log).
    func rememberFailure(of id: TaskID, _ reason: String) {
        try? FileManager.default.createDirectory(atPath: paths.run + "/failures", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: failureFile(id), contents: Data(reason.utf8))
    }

    /// Nil when no attempt failed here (no file), the usual case.
    func lastFailure(of id: TaskID) -> String? {
        try? String(contentsOfFile: failureFile(id), encoding: .utf8)
    }

    /// An MCP client configuration naming `git orch mcp`, for agents that speak MCP (their preset
    /// says how to pass it): the tools to discover skills, claim and add tasks, message other
    /// workers and write handoffs. nil when not `offered` (`orch.mcp false`, or a preset without MCP).
    func mcpConfigFile(offered: Bool) -> String? {
        guard offered else { return nil }
        let path = paths.run + "/mcp.json"
        if !FileManager.default.fileExists(atPath: path) {
            let config = #"{"mcpServers":{"git-orch":{"command":"git","args":["orch","mcp"]}}}"# + "\n"
            _ = FileManager.default.createFile(atPath: path, contents: Data(config.utf8))
        }
        return path
    }
}
