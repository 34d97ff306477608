/// Decides which queue entries the next test run merges together: batches of up to `batchSize`
/// in queue order, and, when a batch fails, its halves (tested one after the other on the
/// protected branch as it then is) until the culprit is alone. Pure: the runner reports each
/// outcome and asks for the next group.
///
/// With most entries green this needs far fewer runs than one at a time: a green batch of k
/// merges with one run; one culprit among k costs about 2·log2(k) runs.
public struct QueuePlanner: Sendable, Equatable {
    public var batchSize: Int
    /// Groups split off failed batches, to test before taking new entries.
    public private(set) var pending: [[Int]] = []

    public init(batchSize: Int) {
        self.batchSize = max(1, batchSize)
    }

    /// What to do after a failed run.
    public enum Verdict: Sendable, Equatable {
        /// The group was one entry: it is the culprit.
        case culprit(Int)
        /// The group was split; its halves are next.
        case split([Int], [Int])
    }

    /// The next group to test: the first pending group still queued, otherwise the first
    /// `batchSize` of `queued` (entry ids in queue order). Empty when nothing is left.
    public mutating func nextGroup(queued: [Int]) -> [Int] {
        let waiting = Set(queued)
        while !pending.isEmpty {
            let group = pending.removeFirst().filter { waiting.contains($0) }
            if !group.isEmpty { return group }
        }
        return Array(queued.prefix(batchSize))
    }

    /// `group` failed its tests: split it (the halves come next, first half first) or name the culprit.
    public mutating func failed(_ group: [Int]) -> Verdict {
        guard group.count > 1 else { return .culprit(group[0]) }
        let middle = group.count / 2
        let halves = (Array(group[..<middle]), Array(group[middle...]))
        pending.insert(contentsOf: [halves.0, halves.1], at: 0)
        return .split(halves.0, halves.1)
    }

    /// `group` could not be finished (the protected branch moved while it was tested): test it again first.
    public mutating func retry(_ group: [Int]) {
        guard !group.isEmpty else { return }
        pending.insert(group, at: 0)
    }
}
