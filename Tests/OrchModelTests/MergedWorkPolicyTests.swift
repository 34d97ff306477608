import OrchModel
import Testing

@Suite struct MergedWorkPolicyTests {
    private func entry(_ number: Int, task value: UInt64?, _ state: QueueState) -> QueueEntry {
        QueueEntry(id: number, branch: "orch/w", tip: String(repeating: "a", count: 40), task: value.map(id), worker: "w",
                   enqueued: Timestamp(microseconds: 0), state: state)
    }

    /// The queue runner that merged 2 and 3 died before completing them; 1 completed as usual.
    @Test func aMergedEntryWhoseTaskIsStillClaimedOrOpenIsUnsettled() throws {
        var graph = TaskGraph(tasks: [task(1), task(2), task(3), task(4)])
        for value in [1, 2, 3, 4] as [UInt64] { try graph.apply(.claim(id(value), worker: "w", role: nil), at: now) }
        try graph.apply(.complete(id(1)), at: now)
        try graph.apply(.release(id(3)), at: now)  // given back after its machine was gone
        let entries = [entry(1, task: 1, .merged), entry(2, task: 2, .merged), entry(3, task: 3, .merged), entry(4, task: 4, .testing)]
        #expect(MergedWorkPolicy.unsettled(entries: entries, graph: graph).map(\.id) == [2, 3])
    }

    @Test func onlyATasksLatestEntryCountsAndFailedOrUnknownTasksAreLeftAlone() throws {
        var graph = TaskGraph(tasks: [task(1), task(2)])
        try graph.apply(.claim(id(1), worker: "w", role: nil), at: now)
        try graph.apply(.claim(id(2), worker: "w", role: nil), at: now)
        try graph.apply(.fail(id(2), reason: "gave up"), at: now)
        // Task 1 was enqueued again after a merge: its newer entry decides.
        let entries = [entry(1, task: 1, .merged), entry(2, task: 1, .queued), entry(3, task: 2, .merged),
                       entry(4, task: 9, .merged), entry(5, task: nil, .merged)]
        #expect(MergedWorkPolicy.unsettled(entries: entries, graph: graph).isEmpty)
        #expect(MergedWorkPolicy.unsettled(entries: [entry(1, task: 1, .rejected), entry(2, task: 1, .merged)], graph: graph).map(\.id) == [2])
    }
}
