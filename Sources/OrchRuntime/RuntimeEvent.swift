import Foundation
public import OrchStore
public import OrchModel

/// One thing that happened in the team, as one JSON line: what `status`, `logs` and the dashboard
/// read, and what is appended to `.git/orch/events.jsonl` (all but terminal output and heartbeats,
/// which are live-only). Worker processes send these to the supervisor on their standard output.
public struct RuntimeEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        case supervisorStarted = "supervisor-started", supervisorStopped = "supervisor-stopped"
        case workerStarted = "worker-started", workerStopped = "worker-stopped", workerCrashed = "worker-crashed"
        case workerRestarted = "worker-restarted", workerOffline = "worker-offline", workerScaled = "worker-scaled"
        case state, heartbeat, output
        case taskClaimed = "task-claimed", taskResumed = "task-resumed", taskDone = "task-done"
        case taskFailed = "task-failed", taskReleased = "task-released", taskQueued = "task-queued"
        case agentStarted = "agent-started", agentExited = "agent-exited"
        case committed, withheld, cost
        case budgetReached = "budget-reached", message, warning
        /// A step of `git orch handoff` (`step` 1-5, `title` its name, `state` running, done,
        /// failed or skipped), for the dashboard's stepper.
        case handoffStep = "handoff-step"
        /// A worker asking to be handed off (its agent's context is nearly full, or it finished
        /// its quota of tasks); the supervisor runs `git orch handoff` for it.
        case handoffRequested = "handoff-requested"
    }

    public var time: String
    public var type: Kind
    public var worker: String?
    public var task: String?
    public var title: String?
    /// The worker's state after this event (running, idle, needs-input, paused, offline, ...).
    public var state: String?
    public var message: String?
    public var costUSD: Double?
    public var inputTokens: Int?
    public var outputTokens: Int?
    /// Terminal output (for `output` events).
    public var text: String?
    public var pid: Int32?
    public var commit: String?
    /// The handoff step (1-5) of a `handoff-step` event.
    public var step: Int?

    public init(_ type: Kind, worker: String? = nil, task: TaskID? = nil, title: String? = nil, state: String? = nil,
                message: String? = nil, at time: Timestamp = .now()) {
        self.time = time.iso8601
        self.type = type
        self.worker = worker
        self.task = task?.hex
        self.title = title
        self.state = state
        self.message = message
    }

    /// Heartbeats and output are for live watchers only.
    public var isPersistent: Bool { type != .heartbeat && type != .output }

    public func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, numbers and an enum: always encodes.
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// nil for a line that is not an event (a torn last line of the log, another tool's line).
    public static func parse(_ line: some StringProtocol) -> RuntimeEvent? {
        try? JSONDecoder().decode(RuntimeEvent.self, from: Data(line.utf8))
    }
}

/// The worker states people see.
public enum WorkerState: String, Codable, Sendable {
    case starting, idle, running, needsInput = "needs-input", committing, paused, offline, stopped, crashed
}


/// Appends persistent events to `.git/orch/events.jsonl` (O_APPEND: whole lines from many
/// processes never interleave).
public struct EventLog: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public func append(_ event: RuntimeEvent) {
        guard event.isPersistent else { return }
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let line = Array((event.jsonLine() + "\n").utf8)
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    /// The last `limit` events, oldest first.
    public func tail(_ limit: Int) -> [RuntimeEvent] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let lines = data.split(separator: UInt8(ascii: "\n")).suffix(limit)
        return lines.compactMap { RuntimeEvent.parse(String(decoding: $0, as: UTF8.self)) }
    }
}
