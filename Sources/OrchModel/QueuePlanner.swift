/// Plans the merge queue's rounds. A round is a small tree of candidates tested at once, each a
/// group of entries merged onto its parent candidate (or onto the protected branch's head): the
/// first candidate is certain, the others speculate that the ones below them pass. Pure: the
/// runner builds and tests the candidates, `settle` says what the results mean, and `record`
/// feeds the outcome back.
///
/// - With nothing suspect, a round is a chain of `lanes` batches in queue order. The batch size
///   is fixed (`batchSize`) or adapts to the recent failure rate: about 1/sqrt(rate), the group
///   size that minimises runs per entry when culprits are independent (3 at one in ten failing,
///   7 at one in fifty).
/// - A red batch becomes the suspect. The next round cuts it into `lanes + 1` parts and tests the
///   growing prefixes at once: a red prefix narrows the suspect; when every prefix passes, the
///   remaining part is the known-red tree again (the runner skips that run). When the remaining
///   part is one entry (it is then the culprit), spare lanes speculate past it.
public struct QueuePlanner: Sendable, Equatable {
    /// Entries per batch; nil: adaptive (`adaptiveBatchSize`).
    public var batchSize: Int?
    /// Entries whose merge onto the protected branch's head is known red, in queue order.
    public private(set) var suspect: [Int] = []
    /// The latest entries' outcomes, oldest first: true when rejected.
    public private(set) var recent: [Bool] = []
    /// Outcomes remembered for the failure rate.
    public static let memory = 20
    public static let largestBatch = 16

    public init(batchSize: Int? = nil) {
        self.batchSize = batchSize.map { max(1, $0) }
    }

    /// One candidate of a round.
    public struct Candidate: Sendable, Equatable {
        /// Entry ids merged by this candidate, in queue order.
        public var group: [Int]
        /// The candidate (index in the round) this one is built on; nil: the protected branch's head.
        public var parent: Int?
        public init(group: [Int], parent: Int?) {
            self.group = group
            self.parent = parent
        }
    }

    /// What a candidate's result means once the round is over.
    public enum Outcome: Sendable, Equatable {
        /// Green on the head as it then is: the protected branch moves to it.
        case merge
        /// Red, and a single entry: that entry is the culprit.
        case reject
        /// Red with several entries: they become the suspect, bisected next round.
        case suspect
        /// Built on a candidate that did not merge (or not built, or not reached): tested again later.
        case discard
    }

    /// The failure rate the adaptive batch size uses: rejected among the latest entries, with a
    /// prior of one in ten so that a short history does not swing it.
    public var failureRate: Double {
        Double(recent.filter { $0 }.count + 1) / Double(recent.count + 10)
    }

    public var adaptiveBatchSize: Int {
        min(Self.largestBatch, max(1, Int((1 / failureRate.squareRoot()).rounded())))
    }

    public var currentBatchSize: Int { batchSize ?? adaptiveBatchSize }

    /// The next round over `queued` (entry ids in queue order) with `lanes` test runs at once.
    /// Empty when nothing is queued.
    public func plan(queued: [Int], lanes: Int) -> [Candidate] {
        let lanes = max(1, lanes)
        let waiting = Set(queued)
        let suspect = suspect.filter { waiting.contains($0) }
        var round: [Candidate] = []
        var rest = queued
        var parent: Int?
        if suspect.count > 1 {
            rest.removeAll { suspect.contains($0) }
            let parts = min(lanes + 1, suspect.count)
            var start = 0
            for part in 1...parts {
                let end = (suspect.count * part + parts / 2) / parts
                guard end > start else { continue }
                round.append(Candidate(group: Array(suspect[start..<end]), parent: parent))
                parent = round.count - 1
                start = end
            }
            // Speculate past a last part of one entry: it is the culprit when the prefixes pass.
            guard round.last?.group.count == 1, round.count - 1 < lanes else { return round }
            parent = round.count >= 2 ? round.count - 2 : nil
            return round + chain(rest, count: lanes - (round.count - 1), after: parent, offset: round.count)
        }
        return chain(rest, count: lanes, after: nil, offset: 0)
    }

    /// `count` batches of `queued` in order, each on the one before, the first on `after`.
    private func chain(_ queued: [Int], count: Int, after parent: Int?, offset: Int) -> [Candidate] {
        var round: [Candidate] = []
        var rest = queued[...]
        var parent = parent
        let size = currentBatchSize
        while round.count < count, !rest.isEmpty {
            round.append(Candidate(group: Array(rest.prefix(size)), parent: parent))
            rest = rest.dropFirst(size)
            parent = offset + round.count - 1
        }
        return round
    }

    /// What the results of a round mean: `passed[i]` is candidate i's test result, nil when it
    /// was not built or not tested. A candidate counts only when it was built on the protected
    /// branch's head as it then is: the head, or the last candidate merged.
    public static func settle(_ round: [Candidate], passed: [Bool?]) -> [Outcome] {
        var head: Int?
        var outcomes: [Outcome] = []
        for (index, candidate) in round.enumerated() {
            guard candidate.parent == head, let green = passed[index] else {
                outcomes.append(.discard)
                continue
            }
            if green {
                head = index
                outcomes.append(.merge)
            } else {
                outcomes.append(candidate.group.count == 1 ? .reject : .suspect)
            }
        }
        return outcomes
    }

    /// Takes in what happened to a round's candidates (`settle`'s answer, with a merge the branch
    /// refused turned into `.discard`).
    public mutating func record(_ round: [Candidate], outcomes: [Outcome]) {
        var newSuspect: [Int]?
        var merged: Set<Int> = []
        var rejected: Set<Int> = []
        for (candidate, outcome) in zip(round, outcomes) {
            switch outcome {
            case .merge:
                recent += Array(repeating: false, count: candidate.group.count)
                merged.formUnion(candidate.group)
            case .reject:
                recent.append(true)
                rejected.formUnion(candidate.group)
            case .suspect:
                if newSuspect == nil { newSuspect = candidate.group }
            case .discard: break
            }
        }
        recent = Array(recent.suffix(Self.memory))
        if let newSuspect {
            suspect = newSuspect
        } else if !rejected.isDisjoint(with: suspect) {
            // A culprit among the first parts: the rest is no longer known red.
            suspect = []
        } else {
            // Its first parts merged: the rest on the new head is the known-red tree again.
            suspect.removeAll { merged.contains($0) }
            if suspect.count < 2 { suspect = [] }
        }
    }
}
