import Foundation
import OrchTestSupport
import Testing

/// Work the merge queue rejects for a conflict goes back to its own worker: the branch merged
/// with the new main, markers committed, and the agent told which files and why; it resolves them
/// and the queue merges the result, without the task being done again from scratch.
@Suite(.serialized) struct TeamConflictTests {
    @Test func aConflictIsResolvedByTheAgentAndMergedWithoutARedo() throws {
        let team = try TeamFixture()
        try "base line\n".write(toFile: team.repo.directory.file("shared.txt"), atomically: true, encoding: .utf8)
        try team.repo.git("add", "shared.txt")
        try team.repo.git("commit", "-q", "-m", "shared file")
        try team.repo.git("config", "orch.testCommand", "! grep -q '^<<<<<<<' shared.txt")
        // Both change the same line of shared.txt at once: whichever the queue takes second conflicts.
        // The fake agent resolves markers by keeping both sides, and then does nothing else.
        try team.importTasks([
            ["ref": "l", "title": "left", "body": "@fake resolve-conflicts\n@fake sleep 1\n@fake write shared.txt left line\\n"],
            ["ref": "r", "title": "right", "body": "@fake resolve-conflicts\n@fake sleep 1\n@fake write shared.txt right line\\n"],
        ])
        let run = try team.start("--workers", "2", "--until-done")
        #expect(run.wait(timeout: 120) == 0, "\(run.text)")
        #expect(try team.taskStates() == ["left": "done", "right": "done"])

        // Main has both lines: the second branch's work was kept and merged with the first's.
        let shared = try team.repo.git("show", "main:shared.txt")
        #expect(shared.contains("left line") && shared.contains("right line") && !shared.contains("<<<<<<<"), "\(shared)")
        let entries = try JSONSerialization.jsonObject(with: Data(try team.orch("queue", "list", "--json").stdout.utf8)) as? [[String: Any]] ?? []
        let conflicted = entries.filter { ($0["conflicts"] as? [String]) == ["shared.txt"] }
        #expect(conflicted.count == 1, "\(entries)")

        // Three agent runs: the two tasks, then the resolution; its prompt named the file and why.
        let runs = try String(contentsOfFile: team.agents.logPath, encoding: .utf8).split(separator: "\n")
            .compactMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(runs.count == 3, "\(runs.map { $0["prompt"] ?? "" })")
        let resolution = runs.last?["prompt"] as? String ?? ""
        #expect(resolution.contains("conflicts are committed with their markers") && resolution.contains("- shared.txt"), "\(resolution)")
        #expect(resolution.contains("task "), "the commit on main that changed the file is named: \(resolution)")
        // No redo: each task was claimed once.
        let list = try JSONSerialization.jsonObject(with: Data(try team.orch("task", "list", "--json").stdout.utf8)) as? [[String: Any]] ?? []
        #expect(list.map { $0["attempts"] as? Int } == [1, 1], "\(list)")
    }
}
