import Foundation
import OrchTestSupport
import Testing

/// A repository with tasks and fake agents, for running a real team on it.
struct TeamFixture {
    let repo: TemporaryRepository
    let agents: FakeAgents

    init() throws {
        repo = try TemporaryRepository()
        agents = try FakeAgents()
        #expect(try repo.orch("init").status == 0)
        // Fast heartbeats and polling keep the tests short; the logic is the same.
        try repo.git("config", "orch.pollSeconds", "0.1")
        try repo.git("config", "orch.heartbeatSeconds", "2")
        try repo.git("config", "orch.agentStartsPerMinute", "60000")
    }

    /// Imports JSON-lines tasks (`ref`, `title`, `body`, `after`, `role`, ...).
    func importTasks(_ tasks: [[String: Any]]) throws {
        let lines = try tasks.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
        let result = try Run.orch(["task", "import", "-"], in: repo.path, input: lines.joined(separator: "\n") + "\n")
        #expect(result.status == 0, "\(result.stderr)")
    }

    func start(_ arguments: String...) throws -> BackgroundSupervisor {
        try BackgroundSupervisor(["start"] + arguments, in: repo.path, environment: agents.environment)
    }

    func orch(_ arguments: String...) throws -> ProcessResult {
        try Run.orch(arguments, in: repo.path, environment: agents.environment)
    }

    func status() throws -> [String: Any] {
        let result = try orch("status", "--json")
        return (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]) ?? [:]
    }

    func workers() throws -> [[String: Any]] { (try status()["workers"] as? [[String: Any]]) ?? [] }

    /// Task states by title, from `git orch task list --json`.
    func taskStates() throws -> [String: String] {
        let result = try orch("task", "list", "--json")
        let tasks = (try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]) ?? []
        var states: [String: String] = [:]
        for task in tasks { states[task["title"] as! String] = task["status"] as? String }
        return states
    }

    func events() -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: repo.path + "/.git/orch/events.jsonl") else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
    }

    func events(_ type: String) -> [[String: Any]] { events().filter { $0["type"] as? String == type } }
}

@Suite(.serialized) struct TeamTests {
    @Test func fourWorkersDrainFortyTasksInDependencyOrder() throws {
        let team = try TeamFixture()
        // Ten chains of four: task c-k waits for c-(k-1).
        var tasks: [[String: Any]] = []
        for chain in 0..<10 {
            for step in 0..<4 {
                var task: [String: Any] = [
                    "ref": "t\(chain)-\(step)", "title": "chain \(chain) step \(step)",
                    "body": "@fake write out/\(chain)-\(step).txt done \(chain) \(step)\n@fake sleep 0.2\n@fake tokens 1000 250\n@fake cost 0.0125",
                ]
                if step > 0 { task["after"] = ["t\(chain)-\(step - 1)"] }
                tasks.append(task)
            }
        }
        try team.importTasks(tasks)
        let run = try team.start("--workers", "4", "--until-done")
        #expect(run.wait(timeout: 120) == 0, "\(run.text)")

        let states = try team.taskStates()
        #expect(states.count == 40 && states.values.allSatisfy { $0 == "done" }, "\(states)")
        // Every task committed exactly once, on the branch of the worker that claimed it.
        let claims = try team.repo.git("log", "--reverse", "--format=%s", "refs/orch/graph").split(separator: "\n").map(String.init)
        var committed: [String: Int] = [:]
        var perWorker: [String: Int] = [:]
        for name in ["indigo", "emerald", "amber", "rose"] {
            let messages = try team.repo.git("log", "--format=%B", "main..orch/\(name)")
            for line in messages.split(separator: "\n") where line.hasPrefix("Orch-Task: ") {
                committed[String(line.dropFirst(11)), default: 0] += 1
                perWorker[name, default: 0] += 1
            }
            let claimedByName = claims.filter { $0.hasPrefix("claim ") && $0.hasSuffix(" by \(name)") }.count
            #expect(perWorker[name, default: 0] == claimedByName, "\(name): commits vs claims")
        }
        #expect(committed.count == 40 && committed.values.allSatisfy { $0 == 1 })
        #expect(perWorker.count == 4, "all four workers took tasks: \(perWorker)")
        // A worker is never idle in the supervisor's eyes while its claim is on its way (the
        // supervisor would take an idle team with ready tasks for settled): before each claim,
        // the last state it sent is not idle.
        for name in ["indigo", "emerald", "amber", "rose"] {
            var lastState: String?
            for event in team.events() where event["worker"] as? String == name {
                if event["type"] as? String == "task-claimed" { #expect(lastState != "idle", "\(name) claimed while it said idle") }
                if let state = event["state"] as? String { lastState = state }
            }
        }
        // Dependency order: a step is claimed only after the previous step is done.
        let list = try JSONSerialization.jsonObject(with: Data(try team.orch("task", "list", "--json").stdout.utf8)) as! [[String: Any]]
        let idByTitle = Dictionary(uniqueKeysWithValues: list.map { ($0["title"] as! String, String(($0["id"] as! String).prefix(6))) })
        func position(_ prefix: String, _ title: String) -> Int? {
            claims.firstIndex { $0.hasPrefix("\(prefix) \(idByTitle[title]!)") }
        }
        for chain in 0..<10 {
            for step in 1..<4 {
                let claimed = try #require(position("claim", "chain \(chain) step \(step)"))
                let doneBefore = try #require(position("done", "chain \(chain) step \(step - 1)"))
                #expect(doneBefore < claimed)
            }
        }
        // Costs: 40 runs at $0.0125 each, summed per worker and in total.
        let status = try team.status()
        #expect(abs((status["costUSD"] as! Double) - 0.5) < 1e-9)
        let workerCosts = (status["workers"] as! [[String: Any]]).map { $0["costUSD"] as! Double }
        #expect(abs(workerCosts.reduce(0, +) - 0.5) < 1e-9)
        #expect(team.agents.runs().count == 40)
        // Each prompt carried 3-8 skills, and `skills stats` counts them per task.
        let stats = try JSONSerialization.jsonObject(with: Data(try team.orch("skills", "stats", "--json").stdout.utf8)) as! [[String: Any]]
        let uses = stats.map { $0["tasks"] as! Int }.reduce(0, +)
        #expect((40 * 3...40 * 8).contains(uses), "\(uses)")
        #expect(stats.allSatisfy { ($0["byTaskType"] as? [String: Int])?["(no role)"] == $0["tasks"] as? Int })
        #expect(processes(under: team.repo.path).isEmpty)
    }

    @Test func aKilledWorkerIsRestartedAndResumesItsTaskWithNothingLost() throws {
        let team = try TeamFixture()
        try team.importTasks([
            ["ref": "a", "title": "first", "body": "@fake write first.txt one", "priority": 10],
            ["ref": "b", "title": "slow", "body": "@fake write slow.txt two\n@fake sleep 30", "after": ["a"]],
        ])
        let run = try team.start("--workers", "1", "--until-done")
        #expect(eventually(timeout: 30) { (try? team.taskStates()["slow"]) == "claimed" && team.events("agent-started").count == 2 })
        let worker = try #require(try team.workers().first)
        let pid = try #require(worker["pid"] as? Int)
        let branchBefore = try team.repo.git("rev-parse", "orch/indigo")
        kill(Int32(pid), SIGKILL)
        // The first agent (sleeping 30 s) goes with its worker; the restarted worker resumes the task.
        #expect(eventually(timeout: 20) { !team.events("worker-restarted").isEmpty })
        #expect(eventually(timeout: 20) { !team.events("task-resumed").isEmpty })
        #expect(try team.repo.git("merge-base", "--is-ancestor", branchBefore, "orch/indigo") == "")
        #expect(try team.orch("stop").status == 0)
        #expect(run.wait(timeout: 30) != nil)
        #expect(try team.repo.git("show", "orch/indigo:first.txt") == "one")
        #expect(try team.taskStates()["slow"] == "claimed", "stop keeps the claim for the next start")
        #expect(eventually(timeout: 10) { processes(under: team.repo.path).isEmpty })
    }

    @Test func aKilledSupervisorLeavesNoProcessAndTheNextStartResumes() throws {
        let team = try TeamFixture()
        try team.importTasks([
            ["ref": "a", "title": "long", "body": "@fake write long.txt x\n@fake sleep 60"],
            ["ref": "b", "title": "other", "body": "@fake write other.txt y\n@fake sleep 60"],
        ])
        let run = try team.start("--workers", "2")
        #expect(eventually(timeout: 30) { team.events("agent-started").count == 2 })
        #expect(processes(under: team.repo.path).count >= 4, "two workers and two agents")
        kill(run.pid, SIGKILL)
        #expect(eventually(timeout: 15) { processes(under: team.repo.path).isEmpty }, "orphans: \(processes(under: team.repo.path))")
        // Both tasks are still claimed by their workers; the next start resumes them from git.
        #expect(try team.taskStates().values.allSatisfy { $0 == "claimed" })
        let again = try team.start("--until-done")
        // The resumed sessions sleep again; stop them once both were resumed.
        #expect(eventually(timeout: 30) { team.events("task-resumed").count == 2 })
        #expect(try team.orch("stop").status == 0)
        #expect(again.wait(timeout: 30) != nil)
        #expect(eventually(timeout: 10) { processes(under: team.repo.path).isEmpty })
    }

    @Test func aWorkerOverBudgetPausesAndAFailingAgentTripsTheBreaker() throws {
        let team = try TeamFixture()
        try team.repo.git("config", "orch.maxAttempts", "10")
        try team.importTasks((0..<4).map { ["title": "paid \($0)", "body": "@fake cost 0.01\n@fake write paid\($0).txt x", "role": "backend-dev"] }
            + (0..<4).map { ["title": "broken \($0)", "body": "@fake fail compiler exploded", "role": "qa-engineer"] })
        let paid = try team.orch("start", "--workers", "1", "--roles", "backend-dev", "--budget", "0.015", "--until-done")
        #expect(paid.status == 1, "a run stopped by its budget leaves work undone: \(paid.stdout)\(paid.stderr)")
        #expect(try team.taskStates().filter { $0.key.hasPrefix("paid") && $0.value == "done" }.count == 2)
        #expect(team.events("budget-reached").count == 1)

        let breaker = try team.orch("start", "--workers", "1", "--roles", "qa-engineer", "--budget", "100", "--until-done")
        #expect(breaker.status == 1, "\(breaker.stdout)\(breaker.stderr)")
        let offline = team.events("worker-offline")
        #expect(offline.contains { ($0["message"] as? String)?.contains("circuit breaker") == true })
        #expect(team.agents.runs().filter { ($0["prompt"] as? String)?.contains("compiler exploded") == true }.count == 3)
        #expect(try team.workers().first?["state"] as? String == "stopped")
    }

    /// A damaged ledger leaves the spending unknown: a budgeted worker pauses and says why,
    /// rather than treat the budget as switched off and spend past it.
    @Test func aDamagedLedgerPausesABudgetedWorkerWithTheReason() throws {
        let team = try TeamFixture()
        try team.importTasks([["title": "paid", "body": "@fake cost 0.01\n@fake write paid.txt x"]])
        let blob = try Run.git(["hash-object", "-w", "--stdin"], in: team.repo.path, input: Data("{not json".utf8))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let runs = try Run.git(["mktree"], in: team.repo.path, input: Data("100644 blob \(blob)\t1-w.json\n".utf8))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let root = try Run.git(["mktree"], in: team.repo.path, input: Data("040000 tree \(runs)\tsome-task\n".utf8))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let top = try Run.git(["mktree"], in: team.repo.path, input: Data("040000 tree \(root)\truns\n".utf8))
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let commit = try team.repo.git("commit-tree", top, "-m", "damaged").trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try team.repo.git("update-ref", "refs/orch/ledger", commit)

        let run = try team.orch("start", "--workers", "1", "--budget", "5", "--until-done")
        #expect(run.status == 1, "a paused run leaves work undone: \(run.stdout)\(run.stderr)")
        let paused = team.events("budget-reached")
        #expect(paused.count == 1)
        let reason = paused.first?["message"] as? String ?? ""
        #expect(reason.contains("budget unknown") && reason.contains("refs/orch/ledger"), "\(reason)")
        #expect(team.agents.runs().isEmpty, "no agent runs while the spending is unknown")
        #expect(try team.taskStates()["paid"] != "done")
    }
}
