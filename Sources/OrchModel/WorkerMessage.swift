/// A message from one worker (or a person) to another, waiting in `refs/orch/messages` under
/// `<recipient>/<time>-<sender>.json` until the recipient's next prompt takes it.
public struct WorkerMessage: Codable, Sendable, Equatable {
    public var from: String
    public var to: String
    public var text: String
    public var time: String

    public init(from: String, to: String, text: String, time: Timestamp) {
        self.from = from
        self.to = to
        self.text = text
        self.time = time.iso8601
    }
}
