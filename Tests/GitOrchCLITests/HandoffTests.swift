import Foundation
import OrchTestSupport
import Testing

/// `git orch handoff` and `resume` with real processes: a team of fake agents, a bare remote.
@Suite(.serialized) struct HandoffTests {
    /// A task whose first session writes part one and then hangs (until handed off); the next
    /// session of the same task goes straight on to part two.
    static var interruptedTask: [String: Any] { [
        "ref": "a", "title": "two parts",
        "body": "@fake write part1.txt one\n@fake sleep-times 1 two-parts 60\n@fake write part2.txt two",
    ] }

    @Test func aHandoffMidTaskContinuesInANewSessionWhosePromptHoldsTheDocument() throws {
        let team = try TeamFixture()
        try team.importTasks([Self.interruptedTask])
        let run = try team.start("--workers", "1", "--until-done")
        #expect(eventually(timeout: 30) { FileManager.default.fileExists(atPath: team.repo.path + "/.git/orch/worktrees/indigo/part1.txt") })

        let handoff = try team.orch("handoff", "indigo")
        #expect(handoff.status == 0, "\(handoff.stdout)\(handoff.stderr)")
        for step in 1...5 { #expect(handoff.stdout.contains("[\(step)/5]"), "\(handoff.stdout)") }
        #expect(handoff.stdout.contains("[3/5] push the branch and state: skipped"))
        #expect(run.wait(timeout: 60) == 0, "\(run.text)")

        #expect(try team.taskStates()["two parts"] == "done")
        let runs = team.agents.runs()
        #expect(runs.count == 2)
        let second = try #require(runs.last?["prompt"] as? String)
        #expect(second.contains("## Handoff from your previous session"))
        #expect(second.contains("# Handoff: indigo"))
        #expect(second.contains("part1.txt"), "the document lists the files touched")
        // The old session's work and the new session's are both on the branch, in order.
        let log = try team.repo.git("log", "--format=%s", "main..orch/indigo").split(separator: "\n")
        #expect(log.count == 2 && log.last?.hasPrefix("handoff wip") == true && log.first?.hasPrefix("task ") == true, "\(log)")
        #expect(try team.repo.git("show", "orch/indigo:part1.txt") == "one")
        #expect(try team.repo.git("show", "orch/indigo:part2.txt") == "two")
        // Stored in git: listed, shown, noted on the commit it describes, in the event log.
        let list = try team.orch("handoff", "list", "indigo")
        #expect(list.stdout.hasPrefix("indigo/"), "\(list.stdout)")
        let id = String(list.stdout.split(separator: " ")[0])
        #expect(try team.orch("handoff", "show", id).stdout.contains("## How to continue"))
        let noted = try team.repo.git("notes", "--ref=orch/handoffs", "show", "orch/indigo~1")
        #expect(noted.contains("handoff \(id)"))
        let steps = team.events("handoff-step").filter { $0["state"] as? String != "running" }
        #expect(steps.compactMap { $0["step"] as? Int } == [1, 2, 3, 4, 5])
        #expect(eventually(timeout: 10) { processes(under: team.repo.path).isEmpty })
    }

    @Test func aFailedPushStopsTheSequenceWithNothingLostAndContinueFinishes() throws {
        let team = try TeamFixture()
        let remote = TemporaryDirectory("git-orch-remote")
        try Run.git(["init", "-q", "--bare", "-b", "main", "."], in: remote.path)
        try team.repo.git("remote", "add", "origin", remote.path + "/missing")
        try team.importTasks([Self.interruptedTask])
        let run = try team.start("--workers", "1", "--until-done")
        #expect(eventually(timeout: 30) { FileManager.default.fileExists(atPath: team.repo.path + "/.git/orch/worktrees/indigo/part1.txt") })

        let failed = try team.orch("handoff", "indigo")
        #expect(failed.status == 128, "\(failed.stdout)\(failed.stderr)")
        #expect(failed.stdout.contains("[2/5] commit the worktree and store the document: done"))
        #expect(failed.stderr.contains("stopped at step 3 (push)") && failed.stderr.contains("--continue"), "\(failed.stderr)")
        // Nothing lost: the work is committed, the document stored, the session still running.
        #expect(try team.repo.git("show", "orch/indigo:part1.txt") == "one")
        #expect(try team.orch("handoff", "list", "indigo").stdout.hasPrefix("indigo/"))
        #expect(try team.workers().first?["state"] as? String == "running")
        #expect(try team.orch("handoff", "indigo").stderr.contains("--continue"), "a second handoff waits for the first")

        try team.repo.git("remote", "set-url", "origin", remote.path)
        let continued = try team.orch("handoff", "indigo", "--continue")
        #expect(continued.status == 0, "\(continued.stdout)\(continued.stderr)")
        #expect(!continued.stdout.contains("[1/5]") && continued.stdout.contains("[3/5] push the branch and state: done"))
        #expect(continued.stdout.contains("[5/5]"))
        #expect(run.wait(timeout: 60) == 0, "\(run.text)")
        #expect(try team.taskStates()["two parts"] == "done")
        // The remote holds the branch (as of the handoff) and the handoff itself.
        #expect(try Run.git(["show", "orch/indigo:part1.txt"], in: remote.path) == "one")
        #expect(try Run.git(["ls-tree", "-r", "--name-only", "refs/orch/handoffs"], in: remote.path).contains("indigo/"))
        #expect((team.agents.runs().last?["prompt"] as? String)?.contains("# Handoff: indigo") == true)
    }

    @Test func aCloneResumesTheTeamFromItsHandoffs() throws {
        let team = try TeamFixture()
        let remote = TemporaryDirectory("git-orch-remote")
        try Run.git(["init", "-q", "--bare", "-b", "main", "."], in: remote.path)
        try team.repo.git("remote", "add", "origin", remote.path)
        try team.repo.git("push", "-q", "origin", "main")
        try team.importTasks([Self.interruptedTask, ["ref": "b", "title": "later", "body": "@fake write later.txt three", "after": ["a"]]])
        #expect(try team.orch("sync").status == 0)
        let run = try team.start("--workers", "1")
        #expect(eventually(timeout: 30) { FileManager.default.fileExists(atPath: team.repo.path + "/.git/orch/worktrees/indigo/part1.txt") })
        // Hand off without a restart, and leave this machine.
        let handoff = try team.orch("handoff", "indigo", "--no-restart")
        #expect(handoff.status == 0, "\(handoff.stdout)\(handoff.stderr)")
        #expect(try team.orch("stop").status == 0)
        #expect(run.wait(timeout: 30) != nil)

        let elsewhere = TemporaryDirectory("git-orch-clone")
        let clone = try Run.orch(["clone", remote.path, elsewhere.path + "/work"], in: elsewhere.path, environment: team.agents.environment)
        #expect(clone.status == 0, "\(clone.stderr)")
        let path = elsewhere.path + "/work"
        for (key, value) in [("orch.pollSeconds", "0.1"), ("orch.heartbeatSeconds", "2"), ("orch.agentStartsPerMinute", "60000")] {
            try Run.git(["config", key, value], in: path)
        }
        let listed = try Run.orch(["handoff", "list"], in: path)
        #expect(listed.stdout.hasPrefix("indigo/"), "the handoff came along: \(listed.stdout)\(listed.stderr)")
        let resumed = try Run.orch(["resume", "--until-done"], in: path, environment: team.agents.environment)
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("indigo: orch/indigo@") && resumed.stdout.contains("origin/orch/indigo"), "\(resumed.stdout)")
        let states = try Run.orch(["task", "list", "--json"], in: path).stdout
        #expect(!states.contains("\"claimed\"") && !states.contains("\"open\""), "\(states)")
        #expect(try Run.git(["show", "orch/indigo:part1.txt"], in: path) == "one")
        #expect(try Run.git(["show", "orch/indigo:part2.txt"], in: path) == "two")
        #expect(try Run.git(["show", "orch/indigo:later.txt"], in: path) == "three")
        let resumedRun = try #require(team.agents.runs().first { ($0["cwd"] as? String)?.hasPrefix(URL(fileURLWithPath: path).resolvingSymlinksInPath().path) == true })
        #expect((resumedRun["prompt"] as? String)?.contains("# Handoff: indigo") == true)
        #expect(eventually(timeout: 10) { processes(under: path).isEmpty })
    }

    @Test func toAnotherWorkerMovesTheTaskWithTheDocument() throws {
        let team = try TeamFixture()
        try team.importTasks([Self.interruptedTask])
        let run = try team.start("--workers", "2", "--until-done")
        #expect(eventually(timeout: 30) { (try? team.workers().contains { $0["task"] != nil && $0["state"] as? String == "running" }) == true })
        let holder = try #require(try team.workers().first { $0["task"] != nil }?["name"] as? String)
        let other = holder == "indigo" ? "emerald" : "indigo"
        #expect(eventually(timeout: 30) { FileManager.default.fileExists(atPath: team.repo.path + "/.git/orch/worktrees/\(holder)/part1.txt") })

        let handoff = try team.orch("handoff", holder, "--to", other)
        #expect(handoff.status == 0, "\(handoff.stdout)\(handoff.stderr)")
        #expect(run.wait(timeout: 60) == 0, "\(run.text)")
        #expect(try team.taskStates()["two parts"] == "done")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(team.orch("handoff", "list", other, "--json").stdout.utf8)) as? [[String: Any]]).first
        #expect(record?["from"] as? String == holder && record?["worker"] as? String == other)
        let last = try #require(team.agents.runs().last)
        #expect((last["cwd"] as? String)?.hasSuffix("/worktrees/\(other)") == true)
        #expect((last["prompt"] as? String)?.contains("git merge orch/\(holder)") == true)
        #expect(try team.repo.git("log", "--format=%s", "main..orch/\(holder)").hasPrefix("handoff wip"))
        #expect(eventually(timeout: 10) { processes(under: team.repo.path).isEmpty })
    }

    @Test func aWorkerWhoseContextIsNearlyFullIsHandedOffByItself() throws {
        let team = try TeamFixture()
        try team.importTasks([
            ["ref": "a", "title": "big", "body": "@fake write a.txt x\n@fake context 190000"],
            ["ref": "b", "title": "next", "body": "@fake write b.txt y\n@fake sleep 1", "after": ["a"]],
        ])
        let run = try team.start("--workers", "1", "--until-done")
        #expect(run.wait(timeout: 90) == 0, "\(run.text)")
        #expect(try team.taskStates().values.allSatisfy { $0 == "done" })
        #expect(!team.events("handoff-requested").isEmpty)
        let records = try #require(try JSONSerialization.jsonObject(with: Data(team.orch("handoff", "list", "--json").stdout.utf8)) as? [[String: Any]])
        #expect(records.contains { $0["reason"] as? String == "context" }, "\(records)")
        let last = try #require(team.agents.runs().last)
        #expect((last["prompt"] as? String)?.contains("# Handoff: indigo") == true)
        #expect(last["resumed"] as? Bool == false, "a context-full session is not resumed")
        #expect(eventually(timeout: 20) { processes(under: team.repo.path).isEmpty })
    }
}
