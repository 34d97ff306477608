import OrchModel
import Testing

@Suite struct QueuePlannerTests {
    struct Simulation {
        var merged: [Int] = []
        var rejected: [Int] = []
        var runs = 0
        var rounds = 0
        var maxRunsInARound = 0
    }

    /// Runs the planner against fixed culprits, as the runner does: each candidate's tree is the
    /// merged entries plus its chain of groups; it passes when that holds no culprit; a tree
    /// already tested is not run again (the runner's tree memo).
    private func simulate(count: Int, culprits: Set<Int>, batch: Int?, lanes: Int) -> Simulation {
        var planner = QueuePlanner(batchSize: batch)
        var queued = Array(1...count)
        var result = Simulation()
        var known: [[Int]: Bool] = [:]
        while true {
            let round = planner.plan(queued: queued, lanes: lanes)
            if round.isEmpty { break }
            result.rounds += 1
            var trees: [[Int]] = []
            var runsNow = 0
            for candidate in round {
                let tree = (candidate.parent.map { trees[$0] } ?? result.merged) + candidate.group
                trees.append(tree)
                if known[tree] == nil {
                    known[tree] = culprits.isDisjoint(with: tree)
                    runsNow += 1
                }
            }
            result.runs += runsNow
            result.maxRunsInARound = max(result.maxRunsInARound, runsNow)
            let outcomes = QueuePlanner.settle(round, passed: trees.map { known[$0] })
            for (candidate, outcome) in zip(round, outcomes) {
                switch outcome {
                case .merge: result.merged += candidate.group
                case .reject: result.rejected += candidate.group
                default: break
                }
            }
            queued.removeAll { result.merged.contains($0) || result.rejected.contains($0) }
            planner.record(round, outcomes: outcomes)
            #expect(result.rounds < 200, "the plan must finish")
            if result.rounds >= 200 { break }
        }
        return result
    }

    @Test func aGreenBatchIsOneRun() {
        let result = simulate(count: 8, culprits: [], batch: 8, lanes: 1)
        #expect(result.merged == Array(1...8))
        #expect(result.runs == 1)
    }

    @Test func oneCulpritInEightIsFoundAndTheOthersMerge() {
        for lanes in [1, 2, 4] {
            for culprit in 1...8 {
                let result = simulate(count: 8, culprits: [culprit], batch: 8, lanes: lanes)
                #expect(result.rejected == [culprit])
                #expect(result.merged.sorted() == Array(1...8).filter { $0 != culprit })
                // One lane: at most 7 runs in as many rounds; more lanes trade runs for rounds.
                #expect(result.runs <= (lanes == 1 ? 7 : 10), "culprit \(culprit), \(lanes) lanes: \(result.runs) runs")
                #expect(result.rounds <= (lanes == 1 ? 6 : 4), "culprit \(culprit), \(lanes) lanes: \(result.rounds) rounds")
                #expect(result.maxRunsInARound <= lanes)
            }
        }
    }

    /// The queue benchmark's load: 40 entries, one in ten failing. Exactly the good ones merge,
    /// in queue order, and with four lanes it takes a third of the rounds of one at a time or less.
    @Test func fortyEntriesOneInTenFailingTakeAFractionOfTheRounds() {
        let layouts: [Set<Int>] = [[6, 16, 26, 36], [1, 2, 3, 4], [37, 38, 39, 40], [5, 9, 22, 31], []]
        for culprits in layouts {
            let single = simulate(count: 40, culprits: culprits, batch: 1, lanes: 1)
            #expect(single.rounds == 40 && single.rejected == culprits.sorted())
            let result = simulate(count: 40, culprits: culprits, batch: nil, lanes: 4)
            #expect(result.rejected.sorted() == culprits.sorted())
            #expect(result.merged == Array(1...40).filter { !culprits.contains($0) })
            #expect(result.rounds * 3 <= single.rounds, "\(culprits.sorted()): \(result.rounds) rounds")
            #expect(result.maxRunsInARound <= 4)
        }
    }

    @Test func theBatchSizeFollowsTheFailureRate() {
        var planner = QueuePlanner()
        #expect(planner.adaptiveBatchSize == 3)  // no history: one in ten assumed
        let green = QueuePlanner.Candidate(group: Array(1...20), parent: nil)
        planner.record([green], outcomes: [.merge])
        #expect(planner.adaptiveBatchSize == 5)
        for id in 21...24 { planner.record([.init(group: [id], parent: nil)], outcomes: [.reject]) }
        #expect(planner.adaptiveBatchSize == 2)
        #expect(planner.recent.count == QueuePlanner.memory)
        // A fixed size wins over the adaptive one.
        planner.batchSize = 1
        #expect(planner.plan(queued: [30, 31, 32], lanes: 2).map(\.group) == [[30], [31]])
    }

    @Test func aRedBatchIsCutIntoPrefixesAndTheRoundSpeculatesPastALoneCulprit() {
        var planner = QueuePlanner(batchSize: 4)
        let first = planner.plan(queued: Array(1...10), lanes: 2)
        #expect(first == [.init(group: [1, 2, 3, 4], parent: nil), .init(group: [5, 6, 7, 8], parent: 0)])
        let outcomes = QueuePlanner.settle(first, passed: [false, true])
        #expect(outcomes == [.suspect, .discard])  // built on a red candidate: it waits
        planner.record(first, outcomes: outcomes)
        #expect(planner.suspect == [1, 2, 3, 4])
        // Three parts, two prefixes run; the whole is the known-red tree.
        let second = planner.plan(queued: Array(1...10), lanes: 2)
        #expect(second == [.init(group: [1], parent: nil), .init(group: [2, 3], parent: 0), .init(group: [4], parent: 1)])
        let settled = QueuePlanner.settle(second, passed: [true, false, nil])
        #expect(settled == [.merge, .suspect, .discard])
        planner.record(second, outcomes: settled)
        #expect(planner.suspect == [2, 3])
        // Two parts: one prefix runs, the rest is the culprit if it passes; the spare lane goes on.
        let third = planner.plan(queued: Array(2...10), lanes: 2)
        #expect(third == [.init(group: [2], parent: nil), .init(group: [3], parent: 0), .init(group: [4, 5, 6, 7], parent: 0)])
        #expect(QueuePlanner.settle(third, passed: [true, false, true]) == [.merge, .reject, .merge])
        #expect(QueuePlanner.settle(third, passed: [false, false, true]) == [.reject, .discard, .discard])
        planner.record(third, outcomes: [.merge, .reject, .merge])
        #expect(planner.suspect.isEmpty)
    }

    @Test func aSuspectThatLeftTheQueueIsForgotten() {
        var planner = QueuePlanner(batchSize: 2)
        let round = planner.plan(queued: [1, 2, 3], lanes: 1)
        planner.record(round, outcomes: [.suspect])
        #expect(planner.plan(queued: [3], lanes: 1) == [.init(group: [3], parent: nil)])
        #expect(planner.plan(queued: [], lanes: 1).isEmpty)
    }
}
