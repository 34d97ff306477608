import Foundation
public import OrchRuntime

/// A line the dashboard sends to the page besides the supervisor's own events (which it passes
/// on as they come: `output`, `state`, `task-claimed`, `handoff-step`, ...).
public struct DashboardMessage: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// The first line on a new WebSocket: the team as it is now.
        case hello
        /// The team's status, sent every few seconds and when the supervisor comes or goes.
        case status
        /// A worker's kept terminal output, sent once per worker after `hello`.
        case scrollback
        /// How a hand-off ended (its steps arrive as `handoff-step` events).
        case handoffResult = "handoff-result"
    }

    public var type: Kind
    public var worker: String?
    public var running: Bool?
    public var status: TeamStatus?
    public var queue: QueueSummary?
    public var text: String?
    public var ok: Bool?
    public var message: String?

    public init(_ type: Kind, worker: String? = nil, running: Bool? = nil, status: TeamStatus? = nil, queue: QueueSummary? = nil,
                text: String? = nil, ok: Bool? = nil, message: String? = nil) {
        self.type = type
        self.worker = worker
        self.running = running
        self.status = status
        self.queue = queue
        self.text = text
        self.ok = ok
        self.message = message
    }

    public func jsonLine() -> String { ControlLine.encode(self) }
}

/// The fields the dashboard reads from any event line, whatever its type (new event types, such
/// as `handoff-step`, pass through without the dashboard knowing them).
struct EventTag: Decodable {
    var type: String?
    var worker: String?

    static func parse(_ line: String) -> EventTag? { try? JSONDecoder().decode(EventTag.self, from: Data(line.utf8)) }
}
