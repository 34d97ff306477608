public import GitKit
public import OrchModel

/// Why the store could not read or change state.
public enum StoreError: Error, Sendable, Equatable {
    case notInitialized
    case unsupportedFormat(found: Int, supported: Int)
    /// A file in the state tree that cannot be read, named by its path in the tree.
    case corruptEntry(path: String, reason: String)
    case graph(GraphError)
    case git(GitError)
    case invalidInput(String)
    /// Talking to a remote failed (unreachable, unknown, authentication).
    case remote(String, String)
    /// The remote refused to store `refs/orch/*` (a hook or a hosting policy).
    case remoteRefused(String, String)
}

extension StoreError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notInitialized:
            "no task graph in this repository (\(StateRefs.graph) is missing); run 'git orch init'"
        case .unsupportedFormat(let found, let supported):
            "the task graph has format \(found), newer than this git-orch understands (\(supported)); upgrade git-orch"
        case .corruptEntry(let path, let reason): "\(path): \(reason)"
        case .graph(let error): error.description
        case .git(let error): "git: \(error.description)"
        case .invalidInput(let message): message
        case .remote(let remote, let message): "remote '\(remote)': \(message)"
        case .remoteRefused(let remote, let reason):
            "remote '\(remote)' refuses refs/orch/* (\(reason)); git-orch keeps its shared state there, so this remote cannot carry it"
        }
    }
}

/// The refs git-orch keeps its state in.
public enum StateRefs {
    public static let graph = "refs/orch/graph"
    /// Everything needed to respawn each worker (agent, roles, model, budget, branch, colour).
    public static let workers = "refs/orch/workers"
    /// Cost and token records per task run.
    public static let ledger = "refs/orch/ledger"
    /// Messages between workers, waiting for their recipient's next prompt.
    public static let messages = "refs/orch/messages"
    public static let queue = "refs/orch/queue"
    /// Notes on tested commits: which test command passed or failed on which commit.
    public static let testNotes = "refs/notes/orch/tests"
    public static let handoffs = "refs/orch/handoffs"
    /// A team on a remote: each machine's heartbeat, and the merge-queue lease.
    public static let machines = "refs/orch/machines"
    public static let all = "refs/orch/*"
}
