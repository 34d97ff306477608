public import OrchModel

/// Time that moves only when a test says so, for the rules that take `now` (SupervisorPolicy and
/// the like): no test of them waits on the wall clock.
public struct ManualClock: Sendable {
    public private(set) var now: Timestamp

    /// Starts at a fixed, readable moment (2026-01-01T00:00:00Z).
    public init(_ start: Timestamp = Timestamp(microseconds: 1_767_225_600_000_000)) { now = start }

    /// Moves time on by `seconds` and returns the new `now`.
    @discardableResult
    public mutating func advance(_ seconds: Double) -> Timestamp {
        now = now.adding(seconds: seconds)
        return now
    }
}
