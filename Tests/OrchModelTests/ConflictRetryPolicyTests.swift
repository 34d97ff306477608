import OrchModel
import Testing

@Suite struct ConflictRetryPolicyTests {
    private let task = TaskID(value: 7)
    private func entry(_ id: Int, conflicts: [String], state: QueueState = .rejected, task: TaskID? = TaskID(value: 7)) -> QueueEntry {
        QueueEntry(id: id, branch: "orch/w", tip: String(repeating: "a", count: 40), task: task, worker: "w",
                   enqueued: Timestamp(microseconds: 0), state: state, conflicts: conflicts)
    }

    @Test func theAgentResolvesUpToTheRetriesThenTheTaskStartsOver() {
        #expect(!ConflictRetryPolicy.resolvesOnBranch(task, entries: [], retries: 2))
        let first = [entry(1, conflicts: ["a.txt"])]
        #expect(ConflictRetryPolicy.resolvesOnBranch(task, entries: first, retries: 2))
        let second = first + [entry(2, conflicts: ["a.txt"])]
        #expect(ConflictRetryPolicy.resolvesOnBranch(task, entries: second, retries: 2))
        let third = second + [entry(3, conflicts: ["b.txt"])]
        #expect(!ConflictRetryPolicy.resolvesOnBranch(task, entries: third, retries: 2))
        #expect(!ConflictRetryPolicy.resolvesOnBranch(task, entries: first, retries: 0))
    }

    @Test func onlyTheLatestRejectionOfThisTaskCounts() {
        // Rejected for failing tests after a conflict: a clean redo.
        #expect(!ConflictRetryPolicy.resolvesOnBranch(task, entries: [entry(1, conflicts: ["a.txt"]), entry(2, conflicts: [])], retries: 2))
        // Another task's conflicts do not count; entries still waiting are not rejections.
        let others = [entry(1, conflicts: ["a.txt"], task: TaskID(value: 8)), entry(2, conflicts: [], state: .queued)]
        #expect(!ConflictRetryPolicy.resolvesOnBranch(task, entries: others, retries: 2))
    }
}
