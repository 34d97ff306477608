import Foundation
import GitKit
import OrchModel
import OrchRuntime
import OrchTestSupport
import Testing

/// The queue keeps its test worktrees warm: the project setup (a cold build) runs once per lane,
/// never again for later candidates, and no test runs in an unprepared lane.
@Suite struct TestLaneTests {
    /// A fixture whose setup command records each run (outside the repository) and leaves a
    /// marker in an ignored build folder; the test command refuses to run without that marker.
    func preparedFixture(setups: TemporaryDirectory) throws -> MergeQueueFixture {
        let fixture = try MergeQueueFixture()
        try "build/\n".write(toFile: fixture.repo.directory.file(".gitignore"), atomically: true, encoding: .utf8)
        try fixture.repo.git("add", ".gitignore")
        try fixture.repo.git("commit", "-q", "-m", "ignore build output")
        try fixture.repo.git("config", "orch.setupCommand", "mkdir -p build && echo ready > build/prepared && pwd >> \(setups.file("log"))")
        // The user's untracked .env is copied into each new lane and survives the cleaning between candidates.
        try "API_KEY=local\n".write(toFile: fixture.repo.directory.file(".env"), atomically: true, encoding: .utf8)
        try fixture.repo.git("config", "orch.copyFiles", ".env")
        try fixture.repo.git("config", "orch.testCommand", "test -f build/prepared -a -f .env || { echo 'not prepared'; exit 3; }; sh test.sh")
        return fixture
    }

    func setupRuns(_ setups: TemporaryDirectory) -> [String] {
        ((try? String(contentsOfFile: setups.file("log"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func tenCandidatesInARowCostOneSetupAndNoneRunsUnprepared() throws {
        let setups = TemporaryDirectory("git-orch-setups")
        let fixture = try preparedFixture(setups: setups)
        for index in 0..<10 { try fixture.branch("b\(index)", files: ["f\(index).txt": "\(index)\n"]) }
        let queue = try fixture.queue(batchSize: 1)
        for index in 0..<10 { try queue.enqueue(branch: "b\(index)", task: nil, worker: nil) }
        let report = try queue.runUntilEmpty()
        #expect(report.merged.count == 10, "every test ran in a prepared lane: \(report.rejected.map { $0.reason ?? "" })")
        #expect(report.testRuns == 10)
        #expect(setupRuns(setups).count == 1, "one cold build for the one lane: \(setupRuns(setups))")

        // The lane persists between runs: a later run needs no setup either.
        let lane = fixture.repo.path + "/.git/orch/queue/lane-0"
        #expect(FileManager.default.fileExists(atPath: lane + "/build/prepared"))
        try fixture.branch("later", files: ["later.txt": "x\n"])
        try queue.enqueue(branch: "later", task: nil, worker: nil)
        #expect(try queue.runUntilEmpty().merged.count == 1)
        #expect(setupRuns(setups).count == 1)

        // gc removes the lanes (and git's record of them); the next run prepares afresh.
        let removed = try queue.removeTestLanes()
        #expect(removed == [lane])
        #expect(!FileManager.default.fileExists(atPath: lane))
        #expect(!(try fixture.repo.git("worktree", "list")).contains("lane-0"))
        try fixture.branch("after-gc", files: ["after.txt": "x\n"])
        try queue.enqueue(branch: "after-gc", task: nil, worker: nil)
        #expect(try queue.runUntilEmpty().merged.count == 1)
        #expect(setupRuns(setups).count == 2)
    }

    @Test func parallelLanesEachSetUpOnceAndCleanWhatATestLeft() throws {
        let setups = TemporaryDirectory("git-orch-setups")
        let fixture = try preparedFixture(setups: setups)
        // The test leaves an untracked file and edits a tracked one: the next candidate must not see them.
        try fixture.repo.git("config", "orch.testCommand",
                             "test -f build/prepared || exit 3; test ! -f stray.txt || exit 4; echo dirty >> test.sh; touch stray.txt; true")
        for index in 0..<8 { try fixture.branch("b\(index)", files: ["f\(index).txt": "\(index)\n"]) }
        let queue = try fixture.queue(batchSize: 1, parallelism: 2)
        for index in 0..<8 { try queue.enqueue(branch: "b\(index)", task: nil, worker: nil) }
        let report = try queue.runUntilEmpty()
        #expect(report.merged.count == 8, "\(report.rejected.map { $0.reason ?? "" })")
        let runs = setupRuns(setups)
        #expect(runs.count <= min(2, ProcessInfo.processInfo.activeProcessorCount))
        #expect(Set(runs).count == runs.count, "no lane was set up twice: \(runs)")
    }

    @Test func aFailingSetupIsAnErrorAndTestsNothing() throws {
        let fixture = try MergeQueueFixture()
        try fixture.repo.git("config", "orch.setupCommand", "echo 'npm ERR! missing lockfile'; exit 9")
        try fixture.branch("a", files: ["a.txt": "A\n"])
        let queue = try fixture.queue(batchSize: 1)
        try queue.enqueue(branch: "a", task: nil, worker: nil)
        let before = try fixture.repo.git("rev-parse", "main")
        #expect {
            try queue.runUntilEmpty()
        } throws: { error in
            guard case .setup(let message) = error as? MergeQueueError else { return false }
            return message.contains("exited 9") && message.contains("npm ERR! missing lockfile")
        }
        #expect(try fixture.repo.git("rev-parse", "main") == before)
        #expect(try queue.entries().first?.state.isActive == true, "the entry waits; it was not rejected")
    }
}
