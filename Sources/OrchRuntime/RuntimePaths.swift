public import GitKit

/// Where the runtime keeps its local, never-shared files: everything under `.git/orch/` of the
/// main repository (shared by all its worktrees).
public struct RuntimePaths: Sendable {
    /// `.git/orch`
    public let root: String

    public init(repository: Repository) {
        root = repository.commonDirectory.hasSuffix("/")
            ? repository.commonDirectory + "orch" : repository.commonDirectory + "/orch"
    }

    public init(root: String) { self.root = root }

    /// The supervisor's pid, lock and control socket.
    public var run: String { root + "/run" }
    public var supervisorLock: String { run + "/supervisor.lock" }
    public var controlSocket: String { run + "/control.sock" }
    /// Each worker's pseudo-terminal output, bounded.
    public var logs: String { root + "/logs" }
    public func terminalLog(_ worker: String) -> String { logs + "/\(worker).log" }
    /// The agent's output as it came, beside the transcript in `terminalLog`.
    public func rawTerminalLog(_ worker: String) -> String { logs + "/\(worker).raw.log" }
    /// The JSON event stream (one event per line).
    public var events: String { root + "/events.jsonl" }
    public var worktrees: String { root + "/worktrees" }
    public func worktree(_ worker: String) -> String { worktrees + "/" + worker }
    /// Prompt files handed to agents.
    public var prompts: String { root + "/prompts" }
    /// Per-worker live status (pid of its agent, state, current task) for the supervisor.
    public func workerStatus(_ worker: String) -> String { run + "/\(worker).status.json" }
    /// Port-range slots held by workers and queue test lanes (`<n>.lock`, flocked while in use).
    public var portSlots: String { run + "/ports" }
    /// The token bucket shared by every worker process for agent starts.
    public var rateLimiter: String { run + "/agent-starts.bucket" }
}
