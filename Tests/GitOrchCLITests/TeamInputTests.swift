import Foundation
import OrchTestSupport
import Testing

@Suite(.serialized) struct TeamInputTests {
    @Test func unknownAgentsAndMalformedPresetsChangeNothing() throws {
        let team = try TeamFixture()
        try team.importTasks([["title": "t", "body": "@fake write t.txt x"]])
        let unknown = try team.orch("start", "--agent", "nosuch", "--until-done")
        #expect(unknown.status == 128)
        #expect(unknown.stderr.contains("nosuch") && unknown.stderr.contains("claude"), "\(unknown.stderr)")
        try team.repo.git("config", "orch.agent.bad.command", "claude -p {prompt}")
        try team.repo.git("config", "orch.agent.bad.output", "telepathy")
        let malformed = try team.orch("start", "--agent", "bad", "--until-done")
        #expect(malformed.status == 128)
        #expect(malformed.stderr.contains("orch.agent.bad.output"), "\(malformed.stderr)")
        // Nothing was registered, no worktree made, no task touched.
        #expect(throws: GitCLIFailure.self) { try team.repo.git("rev-parse", "--verify", "-q", "refs/orch/workers") }
        #expect(!FileManager.default.fileExists(atPath: team.repo.path + "/.git/orch/worktrees/indigo"))
        #expect(try team.taskStates() == ["t": "open"])
    }

    @Test func teamSizesOutOfRangeAreUsageErrors() throws {
        let team = try TeamFixture()
        for count in ["0", "10000", "-3"] {
            let result = try team.orch("start", "--workers", count)
            #expect(result.status == 64, "\(count): \(result.stderr)")
            #expect(result.stderr.contains("workers"))
        }
        let scale = try team.orch("scale", "0")
        #expect(scale.status == 64)
    }

    @Test func shellMetacharactersInATitleAreNeverInterpreted() throws {
        let team = try TeamFixture()
        let title = #"fix "quotes"; touch PWNED1 && echo $(touch PWNED2) `touch PWNED3` | tee >PWNED4 $HOME *"#
        try team.importTasks([["title": title, "body": "@fake write done.txt ok"]])
        let run = try team.orch("start", "--workers", "1", "--until-done")
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let worktree = team.repo.path + "/.git/orch/worktrees/indigo"
        for folder in [team.repo.path, worktree, team.agents.directory.path] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            #expect(!names.contains { $0.hasPrefix("PWNED") }, "\(folder): \(names)")
        }
        let prompt = try #require(team.agents.runs().first?["prompt"] as? String)
        #expect(prompt.contains(title))
        #expect(try team.repo.git("log", "-1", "--format=%s", "orch/indigo").hasSuffix(title))
    }

    @Test func leftoversInAWorktreeAreCommittedAndSecretsNeverAre() throws {
        let team = try TeamFixture()
        try team.importTasks([["title": "one", "body": "@fake write one.txt 1\n@fake write .env API_KEY=secret\n@fake write keys/id_ed25519 private"]])
        #expect(try team.orch("start", "--workers", "1", "--until-done").status == 0)
        let worktree = team.repo.path + "/.git/orch/worktrees/indigo"
        // Secrets stay on disk, out of every commit, and the run says so.
        #expect(FileManager.default.fileExists(atPath: worktree + "/.env"))
        let tracked = try team.repo.git("ls-tree", "-r", "--name-only", "orch/indigo")
        #expect(tracked.split(separator: "\n").sorted() == ["README.md", "one.txt"])
        #expect(Set(team.events("withheld").compactMap { ($0["message"] as? String)?.split(separator: " ").first.map(String.init) }) == [".env", "keys/id_ed25519"])

        // A crash left uncommitted work in the worktree: the next start saves it before anything else.
        try "draft\n".write(toFile: worktree + "/draft.txt", atomically: true, encoding: .utf8)
        try "changed\n".write(toFile: worktree + "/one.txt", atomically: true, encoding: .utf8)
        try team.importTasks([["title": "two", "body": "@fake write two.txt 2"]])
        #expect(try team.orch("start", "--until-done").status == 0)
        let subjects = try team.repo.git("log", "--format=%s", "main..orch/indigo").split(separator: "\n")
        #expect(subjects.count == 3)
        #expect(subjects[1].hasPrefix("wip: changes left in the worktree of indigo"))
        #expect(try team.repo.git("show", "orch/indigo~1:draft.txt") == "draft")
        #expect(try team.repo.git("show", "orch/indigo~1:one.txt") == "changed")
        #expect(subjects[0].hasSuffix(": two"))
    }

    @Test func aSecondStartSaysOneIsRunningAndControlCommandsReachIt() throws {
        let team = try TeamFixture()
        try team.importTasks([["title": "ask", "body": "@fake ask Proceed with the migration? [y/N]\n@fake write answered.txt yes"]])
        let run = try team.start("--workers", "1")
        #expect(eventually { (try? team.workers().first?["state"] as? String) == "needs-input" })
        let second = try team.orch("start")
        #expect(second.status == 128)
        #expect(second.stderr.contains("already running") && second.stderr.contains("(pid \(run.pid))"), "\(second.stderr)")
        #expect(try team.orch("input", "indigo", "y").status == 0)
        #expect(eventually { (try? team.taskStates()["ask"]) == "done" })
        let grown = try team.orch("scale", "3")
        #expect(grown.status == 0, "\(grown.stderr)")
        #expect(eventually { (try? team.workers().filter { $0["state"] as? String == "idle" }.count) == 3 })
        #expect(try team.orch("stop", "nosuch").stderr.contains("no worker named 'nosuch'"))
        #expect(try team.orch("stop").status == 0)
        #expect(run.wait(timeout: 30) == 0)
        #expect(try team.orch("status").stdout.contains("no supervisor running"))
        #expect(try team.orch("stop").status == 128)
        let logs = try team.orch("logs", "indigo")
        #expect(logs.stdout.contains("Proceed with the migration?"))
        #expect(eventually(timeout: 10) { processes(under: team.repo.path).isEmpty })
    }
}
