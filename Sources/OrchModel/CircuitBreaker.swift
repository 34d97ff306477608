/// Trips after `threshold` consecutive failures; a success resets it.
public struct CircuitBreaker: Sendable, Equatable {
    public var threshold: Int
    public private(set) var consecutiveFailures = 0

    public init(threshold: Int = 3) { self.threshold = max(1, threshold) }

    public var isOpen: Bool { consecutiveFailures >= threshold }

    public mutating func record(success: Bool) {
        consecutiveFailures = success ? 0 : consecutiveFailures + 1
    }
}
