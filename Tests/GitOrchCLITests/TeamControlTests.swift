import Foundation
import OrchTestSupport
import ProcessKit
import Testing

@Suite(.serialized) struct TeamControlTests {
    @Test func aDetachedTeamRestartsAWorkerThatStopsAnswering() throws {
        let team = try TeamFixture()
        try team.repo.git("config", "orch.heartbeatSeconds", "1")
        try team.importTasks([["title": "long", "body": "@fake sleep 60"]])
        // Through posix_spawn and waitpid: Foundation's Process waits forever for a child that
        // exits this fast after starting a grandchild in a new session.
        let started = try Subprocess.run(OrchBinary.path, ["start", "--workers", "1", "--detach"], in: team.repo.path, environment: team.agents.environment)
        #expect(started.status == 0, "\(started.errorOutput)")
        #expect(started.output.contains("supervisor started in the background"))
        #expect(eventually(timeout: 30) { team.events("agent-started").count == 1 })
        let pid = try #require(try team.workers().first?["pid"] as? Int)
        // A worker that hangs (here: stopped) misses its heartbeats and is replaced.
        kill(Int32(pid), SIGSTOP)
        #expect(eventually(timeout: 20) { team.events("warning").contains { ($0["message"] as? String)?.contains("missed 3 heartbeats") == true } })
        #expect(eventually(timeout: 20) { team.events("task-resumed").count == 1 })
        #expect(try team.workers().first?["pid"] as? Int != pid)
        #expect(try team.orch("stop").status == 0)
        #expect(eventually(timeout: 20) { processes(under: team.repo.path).isEmpty })
        #expect(try team.orch("status").stdout.contains("no supervisor running"))
    }

    @Test func messagesReachTheRecipientsNextPromptOnce() throws {
        let team = try TeamFixture()
        try team.importTasks([["title": "first", "body": "@fake write a.txt a"]])
        #expect(try team.orch("start", "--workers", "1", "--until-done").status == 0)
        let unknown = try team.orch("msg", "send", "nobody", "hello")
        #expect(unknown.status == 128 && unknown.stderr.contains("no worker named 'nobody'"))
        #expect(try team.orch("msg", "send", "indigo", "the API moved to v2; use the new client").status == 0)
        #expect(try team.orch("msg", "list", "indigo").stdout.contains("the API moved to v2"))
        try team.importTasks([["title": "second", "body": "@fake write b.txt b"], ["title": "third", "body": "@fake write c.txt c"]])
        #expect(try team.orch("start", "--until-done").status == 0)
        let prompts = team.agents.runs().compactMap { $0["prompt"] as? String }
        #expect(prompts.count == 3)
        #expect(prompts.filter { $0.contains("the API moved to v2; use the new client") }.count == 1, "delivered once")
        #expect(try team.orch("msg", "list", "indigo").stdout.isEmpty)
        // Claude is offered git-orch's MCP server (the tools to message, hand off, add tasks).
        let argv = try #require(team.agents.runs().last?["argv"] as? [String])
        let config = try #require(argv.firstIndex(of: "--mcp-config").map { argv[$0 + 1] })
        #expect(try String(contentsOfFile: config, encoding: .utf8).contains(#""args":["orch","mcp"]"#))
    }

    @Test func theTeamGrowsWhileReadyTasksPileUp() throws {
        let team = try TeamFixture()
        try team.repo.git("config", "orch.autoscaleMax", "3")
        try team.importTasks((0..<8).map { ["title": "job \($0)", "body": "@fake sleep 1\n@fake write job\($0).txt x"] })
        let run = try team.orch("start", "--workers", "1", "--until-done")
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        let added = team.events("worker-scaled").filter { $0["message"] as? String == "added" }
        #expect((1...2).contains(added.count), "grew to at most 3: \(added.count) added")
        let workers = Set(team.events("task-claimed").compactMap { $0["worker"] as? String })
        #expect(workers.count >= 2, "\(workers)")
    }

    @Test func aMissionBringsItsTeamBudgetAndStartingTasks() throws {
        let team = try TeamFixture()
        // The library mission tests with `make test`: give the project one.
        try "test:\n\ttest -f README.md\n".write(toFile: team.repo.path + "/Makefile", atomically: true, encoding: .utf8)
        try team.repo.git("add", "Makefile")
        try team.repo.git("commit", "-q", "-m", "make test")
        // The mission's task texts carry no @fake directives: each run writes a file of its own
        // (an agent that changes nothing fails its task).
        let run = try Run.orch(["start", "--mission", "library", "--until-done"], in: team.repo.path,
                               environment: team.agents.environment.merging(["FAKE_AGENT_DEFAULT": "@fake write work/{n}.txt done"]) { $1 })
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.contains("added the 7 starting tasks of mission library"))
        #expect(run.stdout.contains("merge queue: testing with the mission's test command 'make test'"))
        let states = try team.taskStates()
        #expect(states.count == 7 && states.values.allSatisfy { $0 == "done" }, "\(states)")
        let roles = Set(try team.workers().flatMap { $0["roles"] as? [String] ?? [] })
        #expect(roles == ["producer", "tech-lead", "self-reviewer", "library-dev", "test-generator", "docs-writer"])
        #expect(try team.status()["budgetUSD"] as? Double == nil, "the mission's budget applies to its run, not to git config")
        // Each task went to the worker of its role.
        let list = try JSONSerialization.jsonObject(with: Data(try team.orch("task", "list", "--json").stdout.utf8)) as! [[String: Any]]
        let byName = Dictionary(uniqueKeysWithValues: try team.workers().map { ($0["name"] as! String, ($0["roles"] as? [String]) ?? []) })
        for task in list {
            let assignee = try #require(task["assignee"] as? String)
            #expect(byName[assignee]?.contains(task["role"] as! String) == true, "\(task["title"] ?? "")")
        }
        #expect(try team.orch("start", "--mission", "nosuch").stderr.contains("unknown mission 'nosuch'"))
    }

    @Test func theSupervisorWarnsWhenWorkerBranchesWouldConflict() throws {
        let team = try TeamFixture()
        try team.repo.git("config", "orch.conflictSeconds", "1")
        try team.importTasks([
            ["title": "blue", "body": "@fake write settings.txt colour=blue"],
            ["title": "green", "body": "@fake write settings.txt colour=green"],
        ])
        let run = try team.start("--workers", "2")
        #expect(eventually(timeout: 30) {
            team.events("warning").contains { ($0["message"] as? String)?.contains("would conflict in settings.txt") == true }
        })
        #expect(team.events("warning").filter { ($0["message"] as? String)?.contains("would conflict") == true }.count == 1, "said once")
        #expect(try team.orch("stop").status == 0)
        #expect(run.wait(timeout: 30) != nil)
    }
}
