import Foundation
import OrchTestSupport
import Testing

/// A repository, the real agent CLIs and a stand-in model server: a team as a user runs it, with
/// only the model faked. Each test has its own directories and ports, so suites run side by side.
struct RealTeam {
    let repo: TemporaryRepository
    let agents: RealAgents
    let model: StandInModel?
    let config: TemporaryDirectory
    /// The environment `git orch start` gets (and passes down to workers and agents).
    var environment: [String: String]

    init(_ api: StandInModel.API?, agents names: [String]) throws {
        repo = try TemporaryRepository()
        agents = try RealAgents(names)
        model = try api.map { try StandInModel($0) }
        config = TemporaryDirectory("git-orch-agent-config")
        environment = ["PATH": agents.path, "HOME": config.path]
        #expect(try Run.orch(["init"], in: repo.path, environment: environment).status == 0)
        try repo.git("config", "orch.pollSeconds", "0.1")
        try repo.git("config", "orch.heartbeatSeconds", "2")
        try repo.git("config", "orch.agentStartsPerMinute", "60000")
    }

    /// Tasks the stand-in model understands: "write PATH: TEXT".
    func addTasks(_ titles: [String], body: String = "") throws {
        for title in titles {
            let result = try Run.orch(["task", "add", title] + (body.isEmpty ? [] : ["--body", body]), in: repo.path, environment: environment)
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    func start(_ arguments: String...) throws -> BackgroundSupervisor {
        try BackgroundSupervisor(["start"] + arguments, in: repo.path, environment: environment)
    }

    func orch(_ arguments: String...) throws -> ProcessResult {
        try Run.orch(arguments, in: repo.path, environment: environment)
    }

    /// `task list --json`, by title.
    func tasks() throws -> [String: [String: Any]] {
        let list = (try JSONSerialization.jsonObject(with: Data(try orch("task", "list", "--json").stdout.utf8)) as? [[String: Any]]) ?? []
        return Dictionary(list.map { ($0["title"] as! String, $0) }) { first, _ in first }
    }

    func ledger() throws -> [[String: Any]] {
        guard (try? repo.git("rev-parse", "--verify", "-q", "refs/orch/ledger")) != nil else { return [] }
        return try repo.git("ls-tree", "-r", "--name-only", "refs/orch/ledger").split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data(try repo.git("show", "refs/orch/ledger:\($0)").utf8)) as? [String: Any]
        }
    }

    func events(_ type: String) -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: repo.path + "/.git/orch/events.jsonl") else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
            .filter { $0["type"] as? String == type }
    }

    /// The files of main, with their content.
    func mainFile(_ path: String) -> String? { try? repo.git("show", "main:\(path)") }

    /// Claude Code against the stand-in: its own config directory, no traffic but the model's.
    /// IS_SANDBOX=1 lets the real claude run as root with --dangerously-skip-permissions (this
    /// test machine is a container); the sandbox issue (orch.sandbox) replaces it with a non-root uid.
    mutating func useClaude() {
        environment["ANTHROPIC_BASE_URL"] = model!.baseURL
        environment["ANTHROPIC_API_KEY"] = "stand-in"
        environment["CLAUDE_CONFIG_DIR"] = config.path + "/claude"
        environment["IS_SANDBOX"] = "1"
        environment["DISABLE_AUTOUPDATER"] = "1"
        environment["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1"
    }
}

/// Requests to the Anthropic stand-in from the main conversation (the ones offering Bash).
private func conversations(_ model: StandInModel) -> [[String: Any]] {
    model.requests().filter { request in
        let tools = ((request["body"] as? [String: Any])?["tools"] as? [[String: Any]]) ?? []
        return tools.contains { $0["name"] as? String == "Bash" }
    }
}

private func sessionID(_ request: [String: Any]) -> String? {
    (request["headers"] as? [String: Any])?["x-claude-code-session-id"] as? String
}

/// The text of a request's user messages, in order.
private func userTexts(_ request: [String: Any]) -> [String] {
    let messages = ((request["body"] as? [String: Any])?["messages"] as? [[String: Any]]) ?? []
    return messages.filter { $0["role"] as? String == "user" }.map { message in
        if let text = message["content"] as? String { return text }
        return ((message["content"] as? [[String: Any]]) ?? []).compactMap { $0["text"] as? String }.joined(separator: "\n")
    }
}

@Suite(.serialized) struct RealAgentTests {
    static let titles = ["write notes/one.txt: first note", "write notes/two.txt: second note",
                         "write notes/three.txt: third note", "write notes/four.txt: fourth note"]

    /// Every task done, its file on main (merged by the queue), cost and tokens in the ledger.
    private func expectDrained(_ team: RealTeam, _ run: BackgroundSupervisor, agent: String) throws {
        #expect(run.wait(timeout: 90) == 0, "\(run.text)")
        let tasks = try team.tasks()
        #expect(tasks.count == 4 && tasks.values.allSatisfy { $0["status"] as? String == "done" }, "\(tasks)")
        for (title, text) in zip(Self.titles, ["first note", "second note", "third note", "fourth note"]) {
            let path = String(title.dropFirst("write ".count).prefix { $0 != ":" })
            #expect(team.mainFile(path) == text, "\(path) on main")
        }
        #expect(team.events("task-queued").count >= 4, "the merge queue merged the work")
        let runs = try team.ledger().filter { $0["outcome"] as? String == "done" }
        #expect(runs.count == 4)
        for entry in runs {
            #expect(entry["agent"] as? String == agent)
            #expect((entry["inputTokens"] as? Int ?? 0) > 0 && (entry["outputTokens"] as? Int ?? 0) > 0, "\(entry)")
            #expect((entry["costUSD"] as? Double ?? 0) > 0, "\(entry)")
            #expect((entry["agentVersion"] as? String)?.isEmpty == false, "\(entry)")
        }
    }

    @Test(.enabled(if: TestDependency.runnable([RealAgents.codex]), Comment(rawValue: TestDependency.reason([RealAgents.codex]))))
    func aTeamOfTwoRealCodexAgentsDrainsFourTasksThroughTheMergeQueue() throws {
        try TestDependency.require([RealAgents.codex])
        var team = try RealTeam(.openAIResponses, agents: ["codex"])
        // Codex keeps its home outside TMPDIR (its sandbox makes TMPDIR writable to commands).
        let home = NSHomeDirectory() + "/.cache/git-orch/test-codex-homes/" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try """
        model = "gpt-5-codex"
        model_provider = "stand-in"
        [model_providers.stand-in]
        name = "stand-in"
        base_url = "\(team.model!.baseURL)/v1"
        wire_api = "responses"
        """.write(toFile: home + "/config.toml", atomically: true, encoding: .utf8)
        team.environment["CODEX_HOME"] = home
        try team.repo.git("config", "orch.testCommand", "test -d notes")
        try team.addTasks(Self.titles)
        let run = try team.start("--workers", "2", "--until-done", "--agent", "codex")
        try expectDrained(team, run, agent: "codex")
        #expect((try team.ledger().first?["agentVersion"] as? String)?.hasPrefix("codex-cli ") == true)
        // Two model calls per task (the command, then the closing message), each in its thread.
        let threads = Set(team.model!.requests().compactMap { ($0["headers"] as? [String: Any])?["x-client-request-id"] as? String })
        #expect(threads.count >= 4, "\(threads)")
    }

    @Test(.enabled(if: TestDependency.runnable([RealAgents.aider]), Comment(rawValue: TestDependency.reason([RealAgents.aider]))))
    func aTeamOfTwoRealAiderAgentsDrainsFourTasksThroughTheMergeQueue() throws {
        try TestDependency.require([RealAgents.aider])
        var team = try RealTeam(.openAIChat, agents: ["aider"])
        team.environment["OPENAI_API_BASE"] = team.model!.baseURL + "/v1"
        team.environment["OPENAI_API_KEY"] = "stand-in"
        // aider's own settings, as environment variables: the stand-in speaks the whole-file format.
        team.environment["AIDER_EDIT_FORMAT"] = "whole"
        team.environment["AIDER_ANALYTICS_DISABLE"] = "true"
        team.environment["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
        try team.repo.git("config", "orch.testCommand", "test -d notes")
        try team.addTasks(Self.titles)
        let run = try team.start("--workers", "2", "--until-done", "--agent", "aider", "--model", "openai/gpt-4o-mini")
        try expectDrained(team, run, agent: "aider")
    }

    @Test(.enabled(if: TestDependency.runnable([RealAgents.claude]), Comment(rawValue: TestDependency.reason([RealAgents.claude]))))
    func aTeamOfRealClaudeAgentsCompletesTasksWithTheMCPServerConnected() throws {
        try TestDependency.require([RealAgents.claude])
        var team = try RealTeam(.anthropicMessages, agents: ["claude"])
        team.useClaude()
        try team.repo.git("config", "orch.testCommand", "test -d notes")
        try team.addTasks(Self.titles)
        let run = try team.start("--workers", "2", "--until-done", "--agent", "claude")
        try expectDrained(team, run, agent: "claude")
        #expect((try team.ledger().first?["agentVersion"] as? String)?.contains("Claude Code") == true)
        // git orch mcp connected, as claude's init event says (Claude Code 2.1 offers MCP tools to
        // the model through ToolSearch, not in the first request's tool list).
        let logs = try FileManager.default.contentsOfDirectory(atPath: team.repo.path + "/.git/orch/logs")
        let raw = logs.compactMap { try? String(contentsOfFile: team.repo.path + "/.git/orch/logs/" + $0, encoding: .utf8) }.joined()
        #expect(raw.contains(#""name":"git-orch","status":"connected""#), "the init event lists git-orch as connected")

        // `git orch logs` shows each worker's run as a person reads it: the tool calls as lines,
        // the closing cost, and not one line of claude's stream-json.
        let workers = Set(try team.ledger().compactMap { $0["worker"] as? String })
        #expect(!workers.isEmpty)
        for worker in workers.sorted() {
            let logs = try team.orch("logs", worker)
            #expect(logs.status == 0, "\(logs.stderr)")
            let lines = TranscriptTests.visible(logs.stdout)
            #expect(lines.contains { $0.hasPrefix("Bash: mkdir -p notes && printf '%s\\n' '") && $0.contains("> notes/") }, "\(worker): \(lines)")
            #expect(lines.contains { $0.hasPrefix("✔ done (") && $0.contains("tokens: ") }, "\(worker): \(lines)")
            #expect(!lines.contains { $0.hasPrefix("{") || $0.contains(#""type":"#) || $0.contains(#""session_id""#) }, "\(worker): \(lines)")
        }
    }

    @Test(.enabled(if: TestDependency.runnable([RealAgents.claude]), Comment(rawValue: TestDependency.reason([RealAgents.claude]))))
    func aHandoffOfARealClaudeWorkerStartsANewSessionFromTheDocument() throws {
        try TestDependency.require([RealAgents.claude])
        var team = try RealTeam(.anthropicMessages, agents: ["claude"])
        team.useClaude()
        // The stand-in's command sleeps first: the session is still at work when it is handed off.
        try team.addTasks(["write notes/handed.txt: handed over"], body: "sleep 30")
        let run = try team.start("--workers", "1", "--until-done", "--agent", "claude")
        defer { _ = try? team.orch("stop"); _ = run.wait(timeout: 30) }
        #expect(eventually(timeout: 30) { conversations(team.model!).count >= 1 }, "\(run.text)")
        let first = try #require(conversations(team.model!).first.flatMap(sessionID))

        let handoff = try team.orch("handoff", "indigo")
        #expect(handoff.status == 0, "\(handoff.stdout)\(handoff.stderr)")
        #expect(eventually(timeout: 30) { conversations(team.model!).contains { sessionID($0) != first } }, "\(run.text)")
        let next = try #require(conversations(team.model!).first { sessionID($0) != first })
        // A new session, not the old one resumed: its conversation starts with the document.
        let texts = userTexts(next)
        #expect(texts.count == 1, "a fresh conversation has one user message, not the old history")
        #expect(texts.first?.contains("## Handoff from your previous session") == true)
        #expect(texts.first?.contains("# Handoff: indigo") == true)
    }

    @Test(.enabled(if: TestDependency.runnable([RealAgents.claude]), Comment(rawValue: TestDependency.reason([RealAgents.claude]))))
    func aConflictWithMainIsResolvedByTheRealClaudeAndMergedWithoutARedo() throws {
        try TestDependency.require([RealAgents.claude])
        var team = try RealTeam(.anthropicMessages, agents: ["claude"])
        team.useClaude()
        try "base line\n".write(toFile: team.repo.directory.file("shared.txt"), atomically: true, encoding: .utf8)
        try team.repo.git("add", "shared.txt")
        try team.repo.git("commit", "-q", "-m", "shared file")
        try team.repo.git("config", "orch.testCommand", "! grep -q '^<<<<<<<' shared.txt")
        // Both rewrite the line of shared.txt at once: whichever the queue takes second conflicts.
        try team.addTasks(["write shared.txt: left line", "write shared.txt: right line"])
        let run = try team.start("--workers", "2", "--until-done", "--agent", "claude")
        #expect(run.wait(timeout: 150) == 0, "\(run.text)")
        let tasks = try team.tasks()
        #expect(tasks.values.map { $0["status"] as? String } == ["done", "done"], "\(tasks)")
        // No redo: each task was claimed once; the second one's conflict went back to its agent.
        #expect(tasks.values.map { $0["attempts"] as? Int } == [1, 1], "\(tasks)")

        // Main holds both lines and no marker: claude resolved the committed markers.
        let shared = try #require(team.mainFile("shared.txt"))
        #expect(shared.contains("left line") && shared.contains("right line") && !shared.contains("<<<<<<<") && !shared.contains("======="), "\(shared)")
        let entries = try JSONSerialization.jsonObject(with: Data(try team.orch("queue", "list", "--json").stdout.utf8)) as? [[String: Any]] ?? []
        #expect(entries.filter { ($0["conflicts"] as? [String]) == ["shared.txt"] }.count == 1, "\(entries)")
        // Three conversations with the model: the two tasks, then the resolution, whose prompt named
        // the file; claude answered it with a command that removed the markers.
        // (The resolution may go on the task's session: its prompt is then a later user message.)
        let prompts = conversations(team.model!).flatMap(userTexts)
        let resolution = try #require(prompts.first { $0.contains("conflicts are committed with their markers") },
                                      "\(prompts.map { $0.suffix(300) })")
        #expect(resolution.contains("- shared.txt"))
        let raw = try FileManager.default.contentsOfDirectory(atPath: team.repo.path + "/.git/orch/logs").filter { $0.hasSuffix(".raw.log") }
            .compactMap { try? String(contentsOfFile: team.repo.path + "/.git/orch/logs/" + $0, encoding: .utf8) }.joined()
        #expect(raw.contains(#"sed -i -e '/^<<<<<<< /d'"#), "claude ran the resolution")
    }

    @Test(.enabled(if: getuid() == 0 && TestDependency.runnable([RealAgents.claude]), "needs root and the real claude"))
    func claudeAsRootIsRefusedBeforeAnyTaskIsTried() throws {
        try TestDependency.require([RealAgents.claude])
        var team = try RealTeam(nil, agents: ["claude"])
        // Whatever this machine says, not the one value claude accepts as "this is a sandbox".
        team.environment["IS_SANDBOX"] = ""
        // Unconfined: in git-orch's sandbox claude runs as a non-root uid (SandboxedClaudeTests).
        try team.repo.git("config", "orch.sandbox", "off")
        try team.addTasks(Self.titles)
        let started = Date()
        let result = try team.orch("start", "--workers", "2", "--until-done", "--agent", "claude")
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(result.status != 0)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "one line: \(result.stderr)")
        #expect(result.stderr.contains("agent claude") && result.stderr.contains("as root") && result.stderr.contains("run git orch as a non-root user")
                    && result.stderr.contains("git orch doctor"), "\(result.stderr)")
        try expectUntouched(team)
    }

    @Test func aMissingAgentFailsTheStartInSecondsWithEveryTaskStillReady() throws {
        var team = try RealTeam(nil, agents: [])
        let binaries = URL(fileURLWithPath: OrchBinary.path).deletingLastPathComponent().path
        team.environment["PATH"] = "\(team.agents.bin):\(binaries):/usr/bin:/bin"
        try #require(!FileManager.default.isExecutableFile(atPath: "/usr/bin/claude") && !FileManager.default.isExecutableFile(atPath: "/bin/claude"))
        try team.addTasks(Self.titles)
        let started = Date()
        let result = try team.orch("start", "--until-done", "--agent", "claude")
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(result.status != 0)
        // The start runs doctor's blocking checks first: one line, the agent, the fix, and doctor.
        #expect(result.stderrLines.count == 1 && result.stderr.contains("agent claude: claude is not on PATH (install Claude Code")
                    && result.stderr.contains("see 'git orch doctor'"), "\(result.stderr)")
        try expectUntouched(team)
    }

    /// Every task still ready, never claimed, no attempt counted.
    private func expectUntouched(_ team: RealTeam) throws {
        let tasks = try team.tasks()
        #expect(tasks.count == 4)
        for task in tasks.values {
            #expect(task["status"] as? String == "open")
            #expect(task["attempts"] as? Int == 0)
        }
        #expect(team.events("task-claimed").isEmpty)
    }

    @Test(.enabled(if: TestDependency.runnable([RealAgents.codex]), Comment(rawValue: TestDependency.reason([RealAgents.codex]))))
    func aCodexThatRejectsItsFlagsTakesTheWorkerOfflineWithItsOwnErrorAndNoAttemptCounted() throws {
        try TestDependency.require([RealAgents.codex])
        let team = try RealTeam(nil, agents: ["codex"])
        // The preset as it was before codex 0.163 dropped --full-auto.
        try team.repo.git("config", "orch.agent.codex.command", "codex exec --json --full-auto")
        try team.addTasks([Self.titles[0]])
        let result = try team.orch("start", "--workers", "1", "--until-done", "--agent", "codex")
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let offline = try #require(team.events("worker-offline").last?["message"] as? String)
        #expect(offline.contains("error: unexpected argument '--full-auto' found"), "\(offline)")
        #expect(offline.contains("orch.agent.codex.command"), "\(offline)")
        #expect(!offline.contains("For more information"))
        let task = try #require(try team.tasks()[Self.titles[0]])
        #expect(task["status"] as? String == "open")
        #expect(task["attempts"] as? Int == 0)
    }
}
