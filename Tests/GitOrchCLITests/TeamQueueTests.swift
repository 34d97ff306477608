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

    private func mergedCount(_ team: TeamFixture) throws -> Int {
        Int(try team.repo.git("rev-list", "--first-parent", "--count", "main"))! - 1
    }
}
