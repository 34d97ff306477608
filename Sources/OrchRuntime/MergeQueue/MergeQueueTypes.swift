public import GitKit
public import OrchModel
public import OrchStore

/// Why the merge queue could not do what was asked.
public enum MergeQueueError: Error, Sendable, Equatable {
    case store(StoreError)
    case git(GitError)
    /// A branch name the queue does not accept (not a valid ref name, or characters outside the safe set).
    case invalidBranch(String)
    case unknownBranch(String)
    case unknownEntry(Int)
    /// No test command is configured: the queue never merges untested work.
    case noTestCommand
    case scratchWorktree(String)
    /// A checkout of the protected branch could not be read or brought along.
    case checkout(String)
    /// A test lane's project setup (copied files, `orch.setupCommand`) failed: nothing was tested.
    case setup(String)
    /// Another `queue run` holds the run lock.
    case busy(String)
}

extension MergeQueueError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .store(let error): error.description
        case .git(let error): "git: \(error.description)"
        case .invalidBranch(let name): BranchName.refusal(name)
        case .unknownBranch(let name): "no branch '\(name)' in this repository (refs/heads/\(name) is missing)"
        case .unknownEntry(let id): "no entry #\(id) in the merge queue"
        case .noTestCommand:
            "no test command: set one with 'git config orch.testCommand \"<command>\"' (the queue never merges untested work)"
        case .scratchWorktree(let message): "cannot prepare the scratch worktree: \(message)"
        case .checkout(let message): "cannot bring the checkout of the protected branch along: \(message)"
        case .setup(let message): "cannot prepare a queue test lane: \(message) (nothing was tested; the entries wait)"
        case .busy(let path): "another 'git orch queue run' is running (it holds \(path))"
        }
    }
}

/// The queue at a glance.
public struct QueueStatus: Sendable, Equatable {
    public var mainBranch: String
    public var mainHead: String?
    /// The test note on the protected branch's head, if it has one.
    public var mainTest: QueueTestRecord?
    /// Why merging is halted: the protected branch's head itself failed its tests.
    public var halted: String?
    /// Why a green merge waits: a checkout of the protected branch has local changes it would touch.
    public var held: String?
    public var testCommand: String?
    /// Queued and testing entries, in queue order.
    public var active: [QueueEntry]
    public var merged: Int
    public var rejected: Int
}

/// What one step of the queue did.
public struct QueueStep: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Nothing was queued.
        case idle
        /// The protected branch is red; nothing was merged.
        case halted(String)
        /// The candidate passed, but a checkout of the protected branch has local changes the merge
        /// would touch: the branch stays until that checkout allows it (the reason says where and what).
        case held(String)
        /// The candidate passed and the protected branch moved to it.
        case merged
        /// The candidate failed: a culprit was rejected or the batch was split.
        case failed
        /// The candidate passed but the protected branch moved meanwhile: it will be re-tested.
        case mainMoved
        /// Every entry of the group was rejected for conflicts (or was merged already): no test ran.
        case noCandidate
    }
    public var kind: Kind
    /// The entries merged into the tested candidate.
    public var tested: [Int] = []
    public var merged: [QueueEntry] = []
    public var rejected: [QueueEntry] = []
    /// The last candidate commit main moved to, or the one that failed or met a moved main.
    public var candidate: OID?
    /// Runs of the test command (a candidate whose tree was already known red needs none).
    public var testRuns = 0
    /// Entries merged earlier whose tasks this step completed (their completion had been lost).
    public var settled: [QueueEntry] = []
    /// State writes that failed (a task that could not be completed, released or failed), each
    /// with its reason; the queue itself went on.
    public var problems: [String] = []
    /// How `git orch queue run` starts its line for each problem (the supervisor relays them).
    public static let problemLinePrefix = "git-orch: warning: "
}

/// What `runUntilEmpty` did.
public struct QueueRunReport: Sendable, Equatable {
    public var merged: [QueueEntry] = []
    public var rejected: [QueueEntry] = []
    /// Runs of the test command (counting each candidate once; retries are in the notes).
    public var testRuns = 0
    /// Candidates that passed but had to be re-tested because the protected branch moved.
    public var retestsAfterMainMoved = 0
    public var halted: String?
    /// Why the run stopped with a green merge waiting for a checkout of the protected branch.
    public var held: String?
    public var steps: [QueueStep] = []
    /// Every step's `problems`.
    public var problems: [String] { steps.flatMap(\.problems) }
}
