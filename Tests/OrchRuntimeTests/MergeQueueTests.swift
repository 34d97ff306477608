import Foundation
import GitKit
import OrchModel
import OrchRuntime
import OrchStore
import OrchTestSupport
import Testing

@Suite struct MergeQueueTests {
    /// Two good branches, one breaking the tests, one conflicting with a good one, one good but
    /// slow: main ends with exactly the good work, each commit main moved to carries a passing
    /// note, the bad ones are rejected with their reason, and no branch loses anything.
    @Test func fiveBranchesOnlyTheGoodWorkReachesMain() throws {
        let fixture = try MergeQueueFixture()
        let start = try fixture.repo.git("rev-parse", "main")
        var tips: [String: String] = [:]
        tips["good-a"] = try fixture.branch("good-a", files: ["a.txt": "alpha\n"])
        tips["clash"] = try fixture.branch("clash", files: ["a.txt": "another alpha\n"])
        tips["bad"] = try fixture.branch("bad", files: ["c.txt": "BROKEN\n"])
        tips["good-b"] = try fixture.branch("good-b", files: ["b.txt": "beta\n"])
        tips["slow"] = try fixture.branch("slow", files: ["slow.txt": "takes a while\n"])

        // Each branch carries a claimed task: merged work completes it, rejected work releases it.
        let tasks = TaskStore(repository: try fixture.repo.open())
        try tasks.initialize()
        var taskOf: [String: TaskID] = [:]
        for name in ["good-a", "clash", "bad", "good-b", "slow"] {
            let task = try tasks.addTask(title: "work \(name)")
            try tasks.apply(.claim(task.id, worker: "w-\(name)", role: nil))
            taskOf[name] = task.id
        }

        let queue = try fixture.queue()
        for name in ["good-a", "clash", "bad", "good-b", "slow"] {
            try queue.enqueue(branch: name, task: taskOf[name], worker: "w-\(name)")
        }
        let report = try queue.runUntilEmpty()

        #expect(Set(report.merged.map(\.branch)) == ["good-a", "good-b", "slow"])
        #expect(Set(report.rejected.map(\.branch)) == ["clash", "bad"])
        #expect(try fixture.files().sorted() == ["README.md", "a.txt", "b.txt", "slow.txt", "test.sh"])
        #expect(try fixture.repo.git("show", "main:a.txt") == "alpha")

        let entries = try queue.entries()
        let clash = try #require(entries.first { $0.branch == "clash" })
        #expect(clash.state == .rejected)
        #expect(clash.conflicts == ["a.txt"])
        #expect(clash.reason?.contains("conflicts with main") == true)
        let bad = try #require(entries.first { $0.branch == "bad" })
        #expect(bad.state == .rejected)
        #expect(bad.reason?.contains("tests failed: 'sh test.sh' exited 1") == true)
        #expect(bad.reason?.contains("BROKEN found") == true)

        // Every commit main moved to passed, on exactly its tree.
        let history = try fixture.mainHistory(since: start)
        #expect(!history.isEmpty)
        for commit in history {
            let record = try #require(try fixture.note(commit), "no note on \(commit)")
            #expect(record.passed)
            #expect(record.tree == (try fixture.repo.git("rev-parse", "\(commit)^{tree}")))
        }
        // Nothing lost: every branch is where it was, and the merged ones are in main.
        for (name, tip) in tips {
            #expect(try fixture.repo.git("rev-parse", name) == tip)
        }
        for name in ["good-a", "good-b", "slow"] {
            #expect(try fixture.repo.git("merge-base", "--is-ancestor", tips[name]!, "main") == "")
        }
        // The tasks followed their work.
        let graph = try tasks.snapshot().graph
        for name in ["good-a", "good-b", "slow"] { #expect(graph[taskOf[name]!]?.status == .done) }
        // Failing work goes back to open; conflicting work stays with its worker, whose agent
        // resolves the conflict on its branch (ConflictRetryPolicy).
        #expect(graph[taskOf["bad"]!]?.status == .open)
        #expect(graph[taskOf["bad"]!]?.assignee == nil)
        #expect(graph[taskOf["clash"]!]?.status == .claimed)
        #expect(graph[taskOf["clash"]!]?.assignee == "w-clash")
        #expect(try queue.status().active.isEmpty)
        // Only the kept test lane remains besides the checkout (warm for the next run; queue gc removes it).
        let worktrees = try fixture.repo.git("worktree", "list").split(separator: "\n")
        #expect(worktrees.count == 2)
        #expect(worktrees.last?.contains("/.git/orch/queue/lane-0 ") == true)
    }

    /// A batch of eight with one culprit is bisected to it; the other seven merge, in fewer test
    /// runs than one at a time.
    @Test func aBatchOfEightIsBisectedToItsCulprit() throws {
        let fixture = try MergeQueueFixture()
        let queue = try fixture.queue(batchSize: 8)
        let start = try fixture.repo.git("rev-parse", "main")
        for index in 1...8 {
            try fixture.branch("b\(index)", files: ["f\(index).txt": index == 6 ? "BROKEN\n" : "fine \(index)\n"])
            try queue.enqueue(branch: "b\(index)", task: nil, worker: nil)
        }
        let report = try queue.runUntilEmpty()
        #expect(report.rejected.map(\.branch) == ["b6"])
        #expect(report.merged.map(\.branch).sorted() == ["b1", "b2", "b3", "b4", "b5", "b7", "b8"])
        // Runs: 1-8 red, 1-4 green, 5-6 red, 5 green, 7-8 green. 5-8 after 1-4 merged, and 6 after 5
        // merged, are trees already tested red, so they are rejected or split without a run.
        #expect(report.testRuns == 5)
        #expect(try fixture.files().filter { $0.hasPrefix("f") }.sorted() == ["f1.txt", "f2.txt", "f3.txt", "f4.txt", "f5.txt", "f7.txt", "f8.txt"])
        // Main moved once per green group, each time to a commit whose tree passed.
        for commit in try fixture.mainHistory(since: start) { #expect(try fixture.note(commit)?.passed == true) }
    }

    /// Main moved by someone else while a candidate was tested: the candidate is tested again on
    /// the new head and never merged on the stale test.
    @Test func mainMovedDuringTheTestMeansRetest() throws {
        let fixture = try MergeQueueFixture()
        let hotfix = try fixture.branch("hotfix", files: ["hotfix.txt": "fixed\n"])
        try fixture.branch("feature", files: ["feature.txt": "new\n"])
        // The test command moves main to the hotfix during the first run only.
        let mover = fixture.scratch.file("mover.sh")
        let marker = fixture.scratch.file("moved")
        try """
            if [ ! -f '\(marker)' ]; then touch '\(marker)'; git update-ref refs/heads/main \(hotfix); fi
            sh test.sh
            """.write(toFile: mover, atomically: true, encoding: .utf8)
        let queue = try fixture.queue(testCommand: "sh '\(mover)'")
        try queue.enqueue(branch: "feature", task: nil, worker: nil)
        let report = try queue.runUntilEmpty()

        #expect(report.retestsAfterMainMoved == 1)
        #expect(report.testRuns == 2)
        #expect(report.merged.map(\.branch) == ["feature"])
        let main = try fixture.repo.git("rev-parse", "main")
        #expect(try fixture.repo.git("rev-parse", "main^1") == hotfix)
        let record = try #require(try fixture.note(main))
        #expect(record.passed && record.base == hotfix)
        #expect(try fixture.files().contains("hotfix.txt") && (try fixture.files()).contains("feature.txt"))
    }

    @Test func aRedMainHaltsMergingAndStatusSaysWhy() throws {
        let fixture = try MergeQueueFixture()
        try fixture.branch("feature", files: ["feature.txt": "new\n"])
        let git = try fixture.repo.open()
        let head = try #require(try git.referenceTarget("refs/heads/main"))
        let red = QueueTestRecord(command: "sh test.sh", attempts: [.init(exitStatus: 2, durationSeconds: 0.1)], logTail: "boom",
                                  tree: try git.commit(head).tree.hex, base: head.hex, entries: [], time: SystemClock.now())
        try QueueStore(repository: git).recordTest(red, on: head)
        let queue = try fixture.queue()
        try queue.enqueue(branch: "feature", task: nil, worker: nil)
        let report = try queue.runUntilEmpty()
        #expect(report.halted?.contains("main is red: 'sh test.sh' exited 2") == true)
        #expect(report.merged.isEmpty)
        #expect(try queue.status().halted == report.halted)
        #expect(try queue.status().active.map(\.branch) == ["feature"])
        #expect(try git.referenceTarget("refs/heads/main") == head)
    }

    @Test func aChangedBatchSizeTakesEffectOnTheNextStep() throws {
        let fixture = try MergeQueueFixture()
        let queue = try fixture.queue(batchSize: 4)
        for index in 1...3 {
            try fixture.branch("b\(index)", files: ["f\(index).txt": "fine\n"])
            try queue.enqueue(branch: "b\(index)", task: nil, worker: nil)
        }
        queue.configuration.batchSize = 1
        let report = try queue.runUntilEmpty()
        #expect(report.testRuns == 3)
        #expect(report.merged.count == 3)
    }

    @Test func aHangingTestIsStoppedAndAQueueRunsOnce() throws {
        let fixture = try MergeQueueFixture()
        try fixture.branch("feature", files: ["feature.txt": "new\n"])
        let queue = try fixture.queue(testCommand: "sleep 30")
        queue.configuration.timeoutSeconds = 1
        try queue.enqueue(branch: "feature", task: nil, worker: nil)
        // A second runner on the same repository is refused while the first holds the run lock.
        _ = try queue.status()
        _ = try queue.processNext()
        let other = try fixture.queue()
        #expect(throws: MergeQueueError.self) { try other.runUntilEmpty() }
        let entry = try #require(try queue.entries().first)
        #expect(entry.state == .rejected)
        #expect(entry.reason?.contains("'sleep 30' exited 124") == true)
    }

    @Test func aFlakyTestIsRetriedAndEveryAttemptRecorded() throws {
        let fixture = try MergeQueueFixture()
        try fixture.branch("feature", files: ["feature.txt": "new\n"])
        let counter = fixture.scratch.file("runs")
        let flaky = fixture.scratch.file("flaky.sh")
        try "echo x >> '\(counter)'; [ $(wc -l < '\(counter)') -ge 2 ]\n".write(toFile: flaky, atomically: true, encoding: .utf8)
        let queue = try fixture.queue(retries: 2, testCommand: "sh '\(flaky)'")
        try queue.enqueue(branch: "feature", task: nil, worker: nil)
        let report = try queue.runUntilEmpty()
        #expect(report.merged.map(\.branch) == ["feature"])
        let record = try #require(try fixture.note(try fixture.repo.git("rev-parse", "main")))
        #expect(record.attempts.map(\.exitStatus) == [1, 0])
        #expect(record.retries == 1)
    }

    @Test func enqueueRefusesBadAndUnknownBranchesAndNoTestCommandMeansNoRun() throws {
        let fixture = try MergeQueueFixture()
        let queue = try fixture.queue()
        #expect(throws: MergeQueueError.invalidBranch("x;rm -rf /")) { try queue.enqueue(branch: "x;rm -rf /", task: nil, worker: nil) }
        #expect(throws: MergeQueueError.invalidBranch("$(touch pwned)")) { try queue.enqueue(branch: "$(touch pwned)", task: nil, worker: nil) }
        #expect(throws: MergeQueueError.unknownBranch("nope")) { try queue.enqueue(branch: "nope", task: nil, worker: nil) }
        #expect(try queue.entries().isEmpty)
        try fixture.repo.git("config", "--unset", "orch.testCommand")
        try fixture.branch("feature", files: ["feature.txt": "new\n"])
        let untested = try fixture.queue()
        try untested.enqueue(branch: "feature", task: nil, worker: nil)
        #expect(throws: MergeQueueError.noTestCommand) { try untested.runUntilEmpty() }
    }
}
