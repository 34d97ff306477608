import Foundation
import GitKit
import OrchModel
import OrchRuntime
import OrchStore
import OrchTestSupport
import Testing

/// Work the queue merged whose task never became done (its runner was killed between moving main
/// and completing the task): the next step completes it, and says when it cannot.
@Suite struct MergedWorkTests {
    @Test func theNextStepCompletesTheTasksOfWorkMergedEarlier() throws {
        let fixture = try MergeQueueFixture()
        let tasks = TaskStore(repository: try fixture.repo.open())
        try tasks.initialize()
        let lost = try tasks.addTask(title: "merged, completion lost")
        let reset = try tasks.addTask(title: "merged into a main since reset")
        let blocked = try tasks.addTask(title: "merged, but waits for another task")
        let other = try tasks.addTask(title: "not started")
        for task in [lost, reset, blocked] { try tasks.apply(.claim(task.id, worker: "w", role: nil)) }
        try tasks.apply(.addDependency(blocked.id, on: other.id))

        let queue = try fixture.queue()
        // What a killed runner leaves: main moved to the work, the entry marked merged, the task claimed.
        let start = try fixture.repo.git("rev-parse", "main")
        try fixture.branch("lost", files: ["lost.txt": "kept\n"])
        try fixture.branch("blocked", from: "lost", files: ["blocked.txt": "kept\n"])
        try fixture.branch("reset", files: ["reset.txt": "gone\n"])
        let entries = [try queue.enqueue(branch: "lost", task: lost.id, worker: "w"), try queue.enqueue(branch: "blocked", task: blocked.id, worker: "w"),
                       try queue.enqueue(branch: "reset", task: reset.id, worker: "w")]
        try queue.store.update(entries.map(\.id), message: "merged by a runner that died") { $0.state = .merged }
        try fixture.repo.git("update-ref", "refs/heads/main", try fixture.repo.git("rev-parse", "blocked"), start)

        let step = try queue.processNext()
        #expect(step.settled.map(\.branch) == ["lost"])
        #expect(try tasks.snapshot().graph[lost.id]?.status == .done)
        // Not in main any more: left alone.
        #expect(try tasks.snapshot().graph[reset.id]?.status == .claimed)
        // The graph refuses: said, with the task and the reason, and the task stays as it was.
        #expect(step.problems.count == 1, "\(step.problems)")
        #expect(step.problems.first?.contains("could not complete task \(blocked.id.hex.prefix(8)) of merged entry #\(entries[1].id)") == true, "\(step.problems)")
        #expect(try tasks.snapshot().graph[blocked.id]?.status == .claimed)
    }
}
