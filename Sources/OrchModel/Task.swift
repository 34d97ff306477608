/// Where a task is in its life. `open` tasks are ready once every dependency is done.
public enum TaskStatus: String, Sendable, CaseIterable, Codable {
    case open, claimed, done, failed
}

/// One unit of work in the graph.
public struct Task: Sendable, Equatable {
    public var id: TaskID
    public var title: String
    public var body: String
    public var status: TaskStatus
    /// The role a worker needs to take this task; nil means any worker.
    public var role: String?
    /// Higher runs first.
    public var priority: Int
    /// Tasks that must be done first, sorted, without repeats.
    public var deps: [TaskID]
    public var assignee: String?
    /// How many times the task has been claimed.
    public var attempts: Int
    public var labels: [String]
    /// File globs the task is expected to touch (for conflict-aware scheduling).
    public var files: [String]
    /// Why the task failed, when it did.
    public var failureReason: String?
    public var created: Timestamp
    public var updated: Timestamp
    /// A Lamport clock: every change to the task adds one, a merge takes the larger. It decides
    /// which side's edit of a field wins when two clones changed it differently.
    public var clock: Int
    /// How many times the task was released; a release outranks any status of an older epoch
    /// when clones merge, which is what lets a released task go back to `open`.
    public var epoch: Int

    public init(
        id: TaskID, title: String, body: String = "", status: TaskStatus = .open, role: String? = nil,
        priority: Int = 0, deps: [TaskID] = [], assignee: String? = nil, attempts: Int = 0,
        labels: [String] = [], files: [String] = [], failureReason: String? = nil,
        created: Timestamp, updated: Timestamp? = nil, clock: Int = 0, epoch: Int = 0
    ) {
        self.id = id
        self.title = title
        self.body = body
        self.status = status
        self.role = role
        self.priority = priority
        // Sorting and de-duplicating only when needed: readers of stored tasks pass sorted lists.
        let normalized = zip(deps, deps.dropFirst()).allSatisfy { $0 < $1 }
        self.deps = normalized ? deps : Array(Set(deps)).sorted()
        self.assignee = assignee
        self.attempts = attempts
        self.labels = labels
        self.files = files
        self.failureReason = failureReason
        self.created = created
        self.updated = updated ?? created
        self.clock = clock
        self.epoch = epoch
    }
}
