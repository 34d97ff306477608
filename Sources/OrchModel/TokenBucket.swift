/// A token bucket: `capacity` starts at once, refilled at `perSecond`. Pure arithmetic on the
/// times it is given, so the shared on-disk limiter and tests use the same rules.
public struct TokenBucket: Sendable, Equatable {
    public var capacity: Double
    public var perSecond: Double
    public private(set) var tokens: Double
    public private(set) var updated: Timestamp

    public init(capacity: Double, perSecond: Double, tokens: Double? = nil, updated: Timestamp) {
        self.capacity = max(1, capacity)
        self.perSecond = max(0.001, perSecond)
        self.tokens = min(self.capacity, tokens ?? self.capacity)
        self.updated = updated
    }

    /// Takes one token at `now` and returns 0, or returns how many seconds to wait before one is
    /// available (taking nothing).
    public mutating func take(at now: Timestamp) -> Double {
        refill(at: now)
        if tokens >= 1 {
            tokens -= 1
            return 0
        }
        return (1 - tokens) / perSecond
    }

    private mutating func refill(at now: Timestamp) {
        let elapsed = Double(max(0, now.microseconds - updated.microseconds)) / 1_000_000
        tokens = min(capacity, tokens + elapsed * perSecond)
        updated = max(updated, now)
    }
}
