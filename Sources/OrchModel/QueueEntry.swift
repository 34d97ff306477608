/// Where a merge-queue entry is in its life: waiting, being tested (alone or in a batch), merged
/// into the protected branch, or sent back to its worker with a reason.
public enum QueueState: String, Sendable, Codable, CaseIterable {
    case queued, testing, merged, rejected

    /// Merged and rejected entries are history; the others still wait for the queue.
    public var isActive: Bool { self == .queued || self == .testing }
}

/// One branch waiting to be merged into the protected branch (usually main).
///
/// Format history (`format` in the file): 1 — first version.
public struct QueueEntry: Sendable, Equatable {
    public static let formatVersion = 1

    /// The entry's number, unique in the queue and increasing with enqueue order.
    public var id: Int
    public var branch: String
    /// The branch's commit when it was enqueued: what the queue merges, even if the branch moves on.
    public var tip: String
    public var task: TaskID?
    public var worker: String?
    public var enqueued: Timestamp
    public var updated: Timestamp
    public var state: QueueState
    /// Why it was rejected (or, while queued again, why its last try did not merge).
    public var reason: String?
    /// Paths that conflicted with the protected branch (or with entries merged before it).
    public var conflicts: [String]
    /// Test runs the entry took part in (a batch counts for each of its entries).
    public var attempts: Int
    /// The commit of the protected branch that merged it.
    public var mergedAs: String?

    public init(
        id: Int, branch: String, tip: String, task: TaskID? = nil, worker: String? = nil, enqueued: Timestamp,
        state: QueueState = .queued, reason: String? = nil, conflicts: [String] = [], attempts: Int = 0,
        mergedAs: String? = nil, updated: Timestamp? = nil
    ) {
        self.id = id
        self.branch = branch
        self.tip = tip
        self.task = task
        self.worker = worker
        self.enqueued = enqueued
        self.updated = updated ?? enqueued
        self.state = state
        self.reason = reason
        self.conflicts = conflicts
        self.attempts = attempts
        self.mergedAs = mergedAs
    }
}

extension QueueEntry: Codable {
    enum CodingKeys: String, CodingKey {
        case format, id, branch, tip, task, worker, enqueued, updated, state, reason, conflicts, attempts, mergedAs = "merged_as"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try container.checkFormat(.format, supported: Self.formatVersion)
        id = try container.decode(Int.self, forKey: .id)
        branch = try container.decode(String.self, forKey: .branch)
        tip = try container.decode(String.self, forKey: .tip)
        task = try container.decodeIfPresent(String.self, forKey: .task).flatMap { TaskID($0) }
        worker = try container.decodeIfPresent(String.self, forKey: .worker)
        enqueued = try Self.timestamp(container, .enqueued)
        updated = try Self.timestamp(container, .updated)
        state = try container.decode(QueueState.self, forKey: .state)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        conflicts = try container.decodeIfPresent([String].self, forKey: .conflicts) ?? []
        attempts = try container.decodeIfPresent(Int.self, forKey: .attempts) ?? 0
        mergedAs = try container.decodeIfPresent(String.self, forKey: .mergedAs)
    }

    private static func timestamp(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Timestamp {
        let text = try container.decode(String.self, forKey: key)
        guard let time = Timestamp(iso8601: text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "'\(text)' is not an ISO 8601 time")
        }
        return time
    }

    /// Every key is written, null when empty, so the same entry always gives the same bytes.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.formatVersion, forKey: .format)
        try container.encode(id, forKey: .id)
        try container.encode(branch, forKey: .branch)
        try container.encode(tip, forKey: .tip)
        try container.encode(task?.hex, forKey: .task)
        try container.encode(worker, forKey: .worker)
        try container.encode(enqueued.iso8601, forKey: .enqueued)
        try container.encode(updated.iso8601, forKey: .updated)
        try container.encode(state, forKey: .state)
        try container.encode(reason, forKey: .reason)
        try container.encode(conflicts, forKey: .conflicts)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(mergedAs, forKey: .mergedAs)
    }
}
