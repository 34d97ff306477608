/// The index entry stored next to each handoff document (`<worker>/<stamp>.json` beside
/// `<worker>/<stamp>.md` in `refs/orch/handoffs`): what `handoff list` shows without parsing
/// Markdown, and what the next handoff reads to know where the previous one left the branch.
///
/// Format versions: 1, the first.
public struct HandoffRecord: Codable, Sendable, Equatable {
    public static let formatVersion = 1

    public var format: Int = HandoffRecord.formatVersion
    /// `<worker>/<stamp>`: the document's path without `.md`.
    public var id: String
    /// The worker whose next session continues from the document.
    public var worker: String
    /// The worker whose session wrote it (differs from `worker` after `--to`).
    public var from: String
    public var task: String?
    public var taskTitle: String?
    /// The branch holding the work, and its commit when the document was stored.
    public var branch: String
    public var commit: String?
    public var created: String
    /// manual, context (the agent's context was nearly full) or tasks (after N tasks).
    public var reason: String

    public init(id: String, worker: String, from: String, task: String?, taskTitle: String?, branch: String, commit: String?,
                created: String, reason: String) {
        self.id = id
        self.worker = worker
        self.from = from
        self.task = task
        self.taskTitle = taskTitle
        self.branch = branch
        self.commit = commit
        self.created = created
        self.reason = reason
    }

    /// A new id for `worker` at `time`: the ISO time with ':' made '-' (file-name safe, sorts).
    public static func makeID(worker: String, at time: Timestamp) -> String {
        worker + "/" + time.iso8601.replacingColons
    }
}

extension String {
    var replacingColons: String { String(map { $0 == ":" ? "-" : $0 }) }
}
