import Foundation
import OrchTestSupport
import Testing

@Suite(.serialized) struct TeamQueueTests {
    @Test func workersHandTheirWorkToTheMergeQueueAndOnlyTestedWorkReachesMain() throws {
        let team = try TeamFixture()
        try team.repo.git("config", "orch.testCommand", "test ! -e broken.txt")
        try team.repo.git("config", "orch.maxAttempts", "2")
        try team.importTasks([
            ["ref": "a", "title": "good one", "body": "@fake write a.txt A"],
            ["ref": "b", "title": "good two", "body": "@fake write b.txt B"],
            ["ref": "x", "title": "bad", "body": "@fake write broken.txt X"],
            ["ref": "c", "title": "good three", "body": "@fake write c.txt C", "after": ["a"]],
        ])
        let run = try team.start("--workers", "2", "--until-done")
        #expect(run.wait(timeout: 120) == 1, "one task can never pass the tests: \(run.text)")
        let states = try team.taskStates()
        #expect(states == ["good one": "done", "good two": "done", "good three": "done", "bad": "failed"], "\(states)")
        let files = try team.repo.git("ls-tree", "--name-only", "main").split(separator: "\n").sorted()
        #expect(files == ["README.md", "a.txt", "b.txt", "c.txt"])
        // Main only moved to tested commits: every commit the queue added carries a passing note.
        let added = try team.repo.git("rev-list", "--first-parent", "main", "^main~\(try mergedCount(team))").split(separator: "\n")
        #expect(!added.isEmpty)
        for commit in added {
            let note = try team.repo.git("notes", "--ref=orch/tests", "show", String(commit))
            #expect(note.contains("\"exit_status\":0") || note.contains("\"exitStatus\":0"), "\(commit): \(note)")
        }
        // The rejected work is kept, not dropped.
        let kept = try team.repo.git("for-each-ref", "--format=%(refname)", "refs/orch-rejected")
        #expect(!kept.isEmpty)
        for ref in kept.split(separator: "\n") {
            #expect(try team.repo.git("show", "\(ref):broken.txt") == "X")
        }
        let list = try JSONSerialization.jsonObject(with: Data(try team.orch("task", "list", "--json").stdout.utf8)) as! [[String: Any]]
        let failure = list.first { $0["title"] as? String == "bad" }?["failure"] as? String
        // Two or three rejections: another worker may claim the released task before the first
        // one notices its second rejection.
        #expect(failure.map { $0.range(of: #"^rejected by the merge queue [23] times: tests failed"#, options: .regularExpression) != nil } == true,
                "\(failure ?? "-")")
    }

    /// The event stream says when the queue's merges complete tasks (the workers only queue them),
    /// and when each agent run ended: what the dashboard, `logs` and orch-bench read.
    @Test func theEventStreamSaysWhenTheQueueCompletesATaskAndWhenEachAgentExited() throws {
        let team = try TeamFixture()
        try team.repo.git("config", "orch.testCommand", "true")
        try team.importTasks((0..<3).map { ["title": "note \($0)", "body": "@fake write n\($0).txt \($0)"] })
        let run = try team.start("--workers", "2", "--until-done")
        #expect(run.wait(timeout: 120) == 0, "\(run.text)")
        let list = try JSONSerialization.jsonObject(with: Data(try team.orch("task", "list", "--json").stdout.utf8)) as! [[String: Any]]
        let ids = Set(list.compactMap { $0["id"] as? String })
        let done = team.events("task-done")
        #expect(Set(done.compactMap { $0["task"] as? String }) == ids && done.count == 3, "\(done)")
        #expect(done.allSatisfy { ($0["message"] as? String)?.contains("by the queue") == true && $0["worker"] != nil })
        // Each task-done comes after its task-queued, at the merge's time.
        for event in done {
            let queued = team.events("task-queued").first { $0["task"] as? String == event["task"] as? String }
            #expect((queued?["time"] as? String ?? "~") <= (event["time"] as? String ?? ""), "\(event)")
        }
        let exited = team.events("agent-exited")
        #expect(exited.count == team.events("agent-started").count && exited.count == 3)
        #expect(exited.allSatisfy { $0["message"] as? String == "exit status 0" })
    }

    private func mergedCount(_ team: TeamFixture) throws -> Int {
        Int(try team.repo.git("rev-list", "--first-parent", "--count", "main"))! - 1
    }
}
