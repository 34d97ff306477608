import OrchModel
import Testing

@Suite struct QueuePlannerTests {
    /// Runs the planner against a fixed set of culprits and counts test runs. A group passes when
    /// it holds no culprit; a group's tree already tested red is not run again (what the runner does
    /// with its tree cache), so after a green first half the second half is known red.
    private func simulate(count: Int, batch: Int, culprits: Set<Int>) -> (merged: [Int], rejected: [Int], runs: Int) {
        var planner = QueuePlanner(batchSize: batch)
        var queued = Array(1...count)
        var merged: [Int] = [], rejected: [Int] = [], runs = 0
        var knownRed: [Int]? = nil  // the last red group, as merged entries + the rest
        while true {
            let group = planner.nextGroup(queued: queued)
            if group.isEmpty { break }
            let tree = merged + group
            let red = !culprits.isDisjoint(with: group)
            if knownRed != tree { runs += 1 }
            if red {
                knownRed = tree
                if case .culprit(let id) = planner.failed(group) {
                    rejected.append(id)
                    queued.removeAll { $0 == id }
                }
            } else {
                merged += group
                queued.removeAll { group.contains($0) }
            }
        }
        return (merged, rejected, runs)
    }

    @Test func aGreenBatchIsOneRun() {
        let result = simulate(count: 8, batch: 8, culprits: [])
        #expect(result.merged == Array(1...8))
        #expect(result.runs == 1)
    }

    @Test func oneCulpritInEightIsFoundAndTheOthersMerge() {
        for culprit in 1...8 {
            let result = simulate(count: 8, batch: 8, culprits: [culprit])
            #expect(result.rejected == [culprit])
            #expect(result.merged == Array(1...8).filter { $0 != culprit })
            #expect(result.runs <= 7, "culprit \(culprit): \(result.runs) runs")
        }
    }

    @Test func splitsHalvesFirstHalfFirstAndBatchesInQueueOrder() {
        var planner = QueuePlanner(batchSize: 3)
        #expect(planner.nextGroup(queued: [4, 5, 6, 7]) == [4, 5, 6])
        #expect(planner.failed([4, 5, 6]) == .split([4], [5, 6]))
        #expect(planner.nextGroup(queued: [4, 5, 6, 7]) == [4])
        #expect(planner.failed([4]) == .culprit(4))
        // An entry removed from the queue meanwhile drops out of its pending group.
        #expect(planner.nextGroup(queued: [6, 7]) == [6])
        planner.retry([6])
        #expect(planner.nextGroup(queued: [6, 7]) == [6])
        #expect(planner.nextGroup(queued: [7]) == [7])
        #expect(planner.nextGroup(queued: []) == [])
    }
}
