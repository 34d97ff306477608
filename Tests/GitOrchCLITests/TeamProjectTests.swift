import Foundation
import OrchTestSupport
import Testing

/// The team on a real project: worktrees prepared by the project's setup, with copied files and
/// ports of their own; failed attempts kept on refs, never the stash; no silent no-op runs.
@Suite(.serialized) struct TeamProjectTests {
    @Test func aFailedAttemptIsKeptOnARefAndOfferedToTheNextAttempt() throws {
        let team = try TeamFixture()
        try team.importTasks([["title": "flaky", "body": "@fake write partial.txt half done\n@fake fail-times 1 flaky boom\n@fake write done.txt ok"]])
        let run = try team.orch("start", "--workers", "1", "--until-done")
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(try team.taskStates() == ["flaky": "done"])

        let id = try team.repo.git("for-each-ref", "--format=%(refname)", "refs/orch-attempts/")
        let parts = id.split(separator: "/")
        #expect(parts.count == 4 && parts.last == "1", "one kept attempt: \(id)")
        let taskID = parts.count == 4 ? String(parts[2]) : ""
        #expect(try team.repo.git("diff", "--name-only", "\(id)^", id) == "partial.txt")
        #expect(try team.repo.git("log", "-1", "--format=%B", id).contains("Orch-Task: \(taskID)"))
        #expect(try team.repo.git("stash", "list") == "", "never the shared stash")

        // task show names it; --json carries it.
        #expect(try team.orch("task", "show", taskID).stdout.contains(id))
        let shown = try team.orch("task", "show", "--json", taskID)
        let json = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any]
        let kept = json?["attempt_refs"] as? [[String: Any]]
        #expect(kept?.first?["ref"] as? String == id)
        #expect(kept?.first?["number"] as? Int == 1)

        // The second attempt's prompt offers the kept work with its diffstat.
        let prompts = team.agents.runs().compactMap { $0["prompt"] as? String }
        #expect(prompts.count == 2)
        #expect(prompts.last?.contains(id) == true)
        #expect(prompts.last?.contains("partial.txt") == true)
    }

    @Test func aRunThatChangesNothingFailsUnlessTheTaskAllowsIt() throws {
        let team = try TeamFixture()
        try team.repo.git("config", "orch.maxAttempts", "1")
        try team.importTasks([
            ["title": "idle", "body": "@fake sleep 0"],
            ["title": "planning", "body": "@fake sleep 0", "labels": ["no-change-ok"]],
        ])
        let run = try team.orch("start", "--workers", "1", "--until-done")
        #expect(run.status == 1, "a task failed: \(run.stdout)\(run.stderr)")
        #expect(try team.taskStates() == ["idle": "failed", "planning": "done"])
        let shown = try team.orch("task", "list", "--json")
        #expect(shown.stdout.contains("made no changes"))
        let warnings = team.events("warning").compactMap { $0["message"] as? String }
        #expect(warnings.filter { $0.contains("made no changes") }.count == 2)
        #expect(warnings.contains { $0.contains("made no changes (the task allows it)") })
    }

    @Test func workersGetCopiedFilesASetupRunAndTheirOwnPorts() throws {
        let team = try TeamFixture()
        try ".prepared\n".write(toFile: team.repo.directory.file(".gitignore"), atomically: true, encoding: .utf8)
        try team.repo.git("add", ".gitignore")
        try team.repo.git("commit", "-q", "-m", "ignore the setup marker")
        // The user's local secrets: untracked, in the user's checkout only.
        try "API_KEY=local\n".write(toFile: team.repo.directory.file(".env"), atomically: true, encoding: .utf8)
        try team.repo.git("config", "orch.copyFiles", ".env")
        // And a local settings file in a folder git does not track at all; not on the deny-list.
        try FileManager.default.createDirectory(atPath: team.repo.directory.file("config"), withIntermediateDirectories: true)
        try "{}\n".write(toFile: team.repo.directory.file("config/app.local.json"), atomically: true, encoding: .utf8)
        try team.repo.git("config", "--add", "orch.copyFiles", "config/*.local.json")
        try team.repo.git("config", "orch.setupCommand", #"test -f .env && echo "$GIT_ORCH_PORT $GIT_ORCH_PORT_COUNT" > .prepared"#)
        try team.repo.git("config", "orch.portBase", "31000")
        try team.repo.git("config", "orch.portRange", "5")
        try team.importTasks((0..<2).map { ["title": "job \($0)", "body": "@fake write job\($0).txt x\n@fake sleep 0.5"] })
        let run = try team.orch("start", "--workers", "2", "--until-done")
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let worktrees = try FileManager.default.contentsOfDirectory(atPath: team.repo.path + "/.git/orch/worktrees").filter { !$0.hasPrefix(".") }
        #expect(worktrees.count == 2)
        var ports: Set<String> = []
        for name in worktrees {
            let path = team.repo.path + "/.git/orch/worktrees/" + name
            #expect(try String(contentsOfFile: path + "/.env", encoding: .utf8) == "API_KEY=local\n")
            #expect(FileManager.default.fileExists(atPath: path + "/config/app.local.json"))
            ports.insert(try String(contentsOfFile: path + "/.prepared", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(ports == ["31000 5", "31005 5"], "each worker has its own range")
        // The copied secret stays out of every commit.
        let committed = try team.repo.git("log", "--all", "--name-only", "--format=")
        #expect(!committed.split(separator: "\n").contains(".env"))
        #expect(!committed.split(separator: "\n").contains("config/app.local.json"), "copied files are the user's, never committed")
        #expect(team.events("message").contains { ($0["message"] as? String)?.hasPrefix("project setup: copied .env, config/app.local.json; ran ") == true })
    }

    @Test func aFailingSetupStopsTheWorkerWithTheReason() throws {
        let team = try TeamFixture()
        try team.repo.git("config", "orch.setupCommand", "echo 'npm ERR! no lockfile'; exit 7")
        try team.importTasks([["title": "job", "body": "@fake write job.txt x"]])
        let supervisor = try team.start("--workers", "1")
        defer { _ = try? team.orch("stop"); _ = supervisor.wait(timeout: 20) }
        #expect(eventually(timeout: 30) {
            team.events("warning").contains {
                let message = $0["message"] as? String ?? ""
                return message.contains("project setup") && message.contains("exited 7") && message.contains("npm ERR! no lockfile")
            }
        })
        #expect(try team.taskStates() == ["job": "open"], "no agent ran in the unprepared worktree")
        #expect(team.agents.runs().isEmpty)
    }
}
