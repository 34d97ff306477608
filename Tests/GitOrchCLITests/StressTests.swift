import Foundation
import OrchTestSupport
import Testing

/// Four workers on one project, tasks that edit the same file, the merge queue with real tests,
/// a worker killed mid-run and the supervisor killed once. Bounded: about a minute.
/// `ORCH_STRESS_REPORT=FILE` writes the run's figures (docs/benchmarks.md quotes them).
@Suite(.serialized) struct StressTests {
    @Test func fourWorkersSurviveKillsAndKeepMainGreen() throws {
        let team = try TeamFixture()
        try team.repo.git("config", "orch.testCommand", "test ! -e broken.txt && test \"$(grep -c . shared.txt 2>/dev/null || echo 0)\" -ge 0")
        try team.repo.git("config", "orch.maxAttempts", "8")
        var tasks: [[String: Any]] = []
        for index in 0..<16 {
            // Every one of these appends to the same file: merges of parallel work conflict. Half
            // say so (`files`), and wait for each other; the other half collide in the queue.
            var task: [String: Any] = ["title": "shared \(index)", "body": "@fake append shared.txt line \(index)\\n\n@fake sleep 0.3"]
            if index % 2 == 0 { task["files"] = ["shared.txt"] }
            tasks.append(task)
        }
        for index in 0..<8 {
            tasks.append(["title": "own \(index)", "body": "@fake write own/\(index).txt \(index)\n@fake sleep 0.3"])
        }
        tasks.append(["title": "breaks the tests", "body": "@fake write broken.txt x"])
        try team.importTasks(tasks)
        let started = Date()

        var run = try team.start("--workers", "4")
        #expect(eventually(timeout: 60) { team.events("task-queued").count >= 4 })
        let victim = try #require(try team.workers().first { $0["state"] as? String == "running" || $0["task"] != nil })
        let killedWorker = Date()
        kill(Int32(victim["pid"] as! Int), SIGKILL)
        #expect(eventually(timeout: 30) { !team.events("worker-restarted").isEmpty })
        let workerRecovery = Date().timeIntervalSince(killedWorker)
        #expect(eventually(timeout: 60) { (try? team.taskStates().values.filter { $0 == "done" }.count) ?? 0 >= 8 })
        kill(run.pid, SIGKILL)
        #expect(eventually(timeout: 15) { processes(under: team.repo.path).isEmpty }, "orphans after the supervisor was killed")
        let killedSupervisor = Date()
        run = try team.start("--until-done")
        #expect(eventually(timeout: 30) { team.events("task-claimed").contains { ($0["time"] as? String).map { $0 > iso(killedSupervisor) } ?? false } || team.events("task-resumed").contains { ($0["time"] as? String).map { $0 > iso(killedSupervisor) } ?? false } })
        let supervisorRecovery = Date().timeIntervalSince(killedSupervisor)
        let status = run.wait(timeout: 240)
        #expect(status == 1, "the breaking task fails, everything else is done: \(run.text.suffix(2000))")
        let elapsed = Date().timeIntervalSince(started)

        // Every task done or explicitly failed (after orch.maxAttempts conflicts, with the reason).
        let states = try team.taskStates()
        #expect(states.values.allSatisfy { $0 == "done" || $0 == "failed" }, "\(states)")
        #expect(states["breaks the tests"] == "failed")
        #expect(states.filter { $0.key.hasPrefix("own") }.allSatisfy { $0.value == "done" }, "\(states)\n\(run.text.suffix(3000))")
        // Main green at every commit the queue made, and it holds every line.
        let merges = try team.repo.git("rev-list", "--first-parent", "main", "^main~\(try firstParentCount(team) - 1)").split(separator: "\n")
        for commit in merges {
            let note = try team.repo.git("notes", "--ref=orch/tests", "show", String(commit))
            #expect(note.contains("\"exit_status\":0") || note.contains("\"exitStatus\":0"), "\(commit)")
        }
        // Main holds the work of every done task and of no other (a task resumed after the kill
        // may append its line twice: the fake agent's append is not idempotent).
        let shared = try team.repo.git("show", "main:shared.txt").split(separator: "\n").map(String.init)
        let doneShared = states.filter { $0.key.hasPrefix("shared") && $0.value == "done" }.map { "line " + $0.key.dropFirst(7) }
        #expect(Set(shared) == Set(doneShared), "\(shared)")
        // Nothing lost: the repository is whole, and every commit a worker made is still on a ref.
        #expect(try Run.process("/usr/bin/git", ["fsck", "--no-dangling", "--no-progress"], in: team.repo.path).status == 0)
        let committed = team.events("committed").compactMap { $0["commit"] as? String }
        for commit in Set(committed) {
            let refs = try team.repo.git("for-each-ref", "--contains", commit, "--format=%(refname)")
            #expect(!refs.isEmpty, "commit \(commit) is on no ref")
        }
        #expect(eventually(timeout: 10) { processes(under: team.repo.path).isEmpty })

        let queue = try JSONSerialization.jsonObject(with: Data(try team.orch("queue", "list", "--json").stdout.utf8))
        let entries = (queue as? [[String: Any]]) ?? ((queue as? [String: Any])?["entries"] as? [[String: Any]]) ?? []
        let rejected = entries.filter { $0["state"] as? String == "rejected" }.count
        let report = """
        | figure | value |
        |---|---|
        | tasks | 25: \(states.filter { $0.value == "done" }.count) done, \(states.filter { $0.value == "failed" }.count) failed (1 breaks the tests by design) |
        | wall time | \(String(format: "%.1f", elapsed)) s |
        | tasks per minute | \(String(format: "%.1f", 25 / elapsed * 60)) |
        | merge-queue entries merged / rejected | \(entries.count - rejected) / \(rejected) |
        | agent runs (incl. retries) | \(team.agents.runs().count) |
        | worker killed (-9) -> restarted | \(String(format: "%.2f", workerRecovery)) s |
        | supervisor killed (-9) -> next start claims again | \(String(format: "%.2f", supervisorRecovery)) s |
        """
        if let path = ProcessInfo.processInfo.environment["ORCH_STRESS_REPORT"] {
            try report.write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    private func firstParentCount(_ team: TeamFixture) throws -> Int {
        Int(try team.repo.git("rev-list", "--first-parent", "--count", "main"))!
    }
}

private func iso(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: date)
}
