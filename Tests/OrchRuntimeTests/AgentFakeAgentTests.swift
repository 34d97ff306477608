import Foundation
import OrchRuntime
import OrchTestSupport
import ProcessKit
import Testing

/// Runs Tests/Fixtures/fake-agent as claude, codex and aider through the built-in presets, and
/// reads what it printed with `AgentOutputParser`: the presets pass flags the CLIs accept, and
/// the parser reads the formats they print.
struct AgentFakeAgentTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/fake-agent").path

    let bin = TemporaryDirectory("fake-agent-bin")
    let worktree = TemporaryDirectory("fake-agent-worktree")
    /// Outside the worktree: the prompt file, the run log, the fake's session memory.
    let state = TemporaryDirectory("fake-agent-state")

    init() throws {
        for name in ["claude", "codex", "aider"] {
            try FileManager.default.createSymbolicLink(atPath: bin.file(name), withDestinationPath: Self.fixture)
        }
    }

    struct Run {
        var status: Int32
        var report: AgentReport
        var output: String
    }

    func run(_ preset: AgentPreset, prompt: String, sessionID: String = UUID().uuidString.lowercased(), resuming: Bool = false, model: String? = nil) throws -> Run {
        let promptFile = state.file("prompt.md")
        if preset.usesPromptFile { try prompt.write(toFile: promptFile, atomically: true, encoding: .utf8) }
        let invocation = preset.invocation(
            prompt: prompt, promptFile: promptFile, sessionID: sessionID, resuming: resuming, model: model, worktree: worktree.path)
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let result = try Subprocess.run(
            bin.file(invocation.executable), invocation.arguments, in: worktree.path, input: invocation.standardInput ?? [],
            environment: ["PATH": bin.path + ":" + path, "FAKE_AGENT_LOG": state.file("log.jsonl"), "FAKE_AGENT_STATE": state.path])
        var parser = AgentOutputParser(format: preset.output, pricing: preset.pricing)
        // On a pseudo-terminal both streams arrive on one; here stderr follows stdout.
        parser.consume(result.stdout)
        parser.consume(result.stderr)
        return Run(status: result.status, report: parser.finish(), output: result.output + result.errorOutput)
    }

    func log() throws -> [[String: Any]] {
        try String(contentsOfFile: state.file("log.jsonl"), encoding: .utf8).split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func file(_ path: String) -> String? { try? String(contentsOfFile: worktree.file(path), encoding: .utf8) }

    static let task = """
        # Task: add the notes
        @fake write notes/a.txt hello\\nworld
        @fake append notes/a.txt !
        @fake tokens 3000 400
        @fake cost 0.25
        """

    @Test func claude() throws {
        let preset = try #require(AgentPreset.builtIn["claude"])
        let session = UUID().uuidString.lowercased()
        let run = try run(preset, prompt: Self.task, sessionID: session, model: "opus")
        #expect(run.status == 0, "\(run.output)")
        #expect(file("notes/a.txt") == "hello\nworld!")
        #expect(run.report.sessionID == session)
        #expect(run.report.costUSD == 0.25)
        #expect(run.report.inputTokens == 3000 && run.report.outputTokens == 400)
        #expect(run.report.resultText?.hasPrefix("fake claude finished") == true)
        #expect(!run.report.isError)

        let resumed = try self.run(preset, prompt: "@fake context 150000", sessionID: session, resuming: true)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.report.sessionID == session)
        #expect(resumed.report.contextTokens == 150_000)
        let entries = try log()
        #expect(entries.map { $0["resumed"] as? Bool } == [false, true])
        #expect(entries.map { $0["session_id"] as? String } == [session, session])
        #expect(entries.first?["model"] as? String == "opus")
    }

    @Test func codex() throws {
        let preset = try #require(AgentPreset.builtIn["codex"])
        let run = try run(preset, prompt: Self.task)
        #expect(run.status == 0, "\(run.output)")
        #expect(file("notes/a.txt") == "hello\nworld!")
        let thread = try #require(run.report.sessionID)
        #expect(run.report.inputTokens == 3000 && run.report.outputTokens == 400)
        #expect(abs((run.report.costUSD ?? 0) - (3000 * 1.25 + 400 * 10) / 1_000_000) < 1e-12)
        #expect(run.report.resultText?.hasPrefix("fake codex finished") == true)

        // Codex picks the thread id; resuming with it works, with anything else fails.
        let resumed = try self.run(preset, prompt: "go on", sessionID: thread, resuming: true)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.report.sessionID == thread)
        let lost = try self.run(preset, prompt: "go on", sessionID: "not-a-thread", resuming: true)
        #expect(lost.status != 0)
    }

    @Test func aider() throws {
        let preset = try #require(AgentPreset.builtIn["aider"])
        let run = try run(preset, prompt: Self.task, model: "sonnet")
        #expect(run.status == 0, "\(run.output)")
        #expect(file("notes/a.txt") == "hello\nworld!")
        #expect(run.report.costUSD == 0.25)
        #expect(run.report.inputTokens == 3000 && run.report.outputTokens == 400)
        #expect(run.report.sessionID == nil)
        #expect(try log().first?["prompt"] as? String == Self.task)
    }

    @Test(arguments: ["claude", "codex", "aider"])
    func failureIsReportedLikeTheCLIDoes(name: String) throws {
        let preset = try #require(AgentPreset.builtIn[name])
        let run = try run(preset, prompt: "@fake write kept.txt x\n@fake fail quota exhausted\n@fake write never.txt y")
        #expect(run.status != 0)
        #expect(file("kept.txt") == "x" && file("never.txt") == nil)
        if preset.output != .aiderText {
            #expect(run.report.isError)
            #expect(run.report.errorMessage == "quota exhausted")
        }
    }

    @Test func failTimesCountsAcrossRuns() throws {
        let preset = try #require(AgentPreset.builtIn["claude"])
        let prompt = "@fake fail-times 2 flaky\n@fake write ok.txt done"
        #expect(try run(preset, prompt: prompt).status != 0)
        #expect(try run(preset, prompt: prompt).status != 0)
        #expect(try run(preset, prompt: prompt).status == 0)
        #expect(file("ok.txt") == "done")
    }

    @Test func anUnknownFlagIsRefusedLikeTheRealCLI() throws {
        for name in ["claude", "codex", "aider"] {
            var preset = try #require(AgentPreset.builtIn[name])
            preset.command.append("--no-such-flag")
            let run = try run(preset, prompt: "hi")
            #expect(run.status != 0, "\(name)")
            #expect(run.output.contains("--no-such-flag"), "\(name): \(run.output)")
        }
    }

    @Test func aPromptFullOfShellMetacharactersArrivesIntact() throws {
        let prompt = #"Fix "it" & $(touch pwned) `id`; echo $HOME > x | cat 'q' \n *"#
        for name in ["claude", "codex", "aider"] {
            let run = try run(try #require(AgentPreset.builtIn[name]), prompt: prompt)
            #expect(run.status == 0, "\(name): \(run.output)")
        }
        #expect(try log().map { $0["prompt"] as? String } == [prompt, prompt, prompt])
        #expect(!FileManager.default.fileExists(atPath: worktree.file("pwned")))
    }

    @Test func askWaitsForAnAnswerOnStdin() throws {
        let preset = try AgentPreset.command("aider --yes-always --message {prompt}")
        let promptLine = "@fake ask Create notes.txt?"
        let invocation = preset.invocation(prompt: promptLine, promptFile: "", sessionID: "", resuming: false, model: nil, worktree: worktree.path)
        let result = try Subprocess.run(bin.file(invocation.executable), invocation.arguments, in: worktree.path, input: Array("yes\n".utf8))
        var parser = AgentOutputParser(format: .aiderText)
        let question = try #require(result.output.range(of: "(Y)es/(N)o [Yes]: "))
        parser.consume(Array(result.output[..<question.upperBound].utf8))
        #expect(parser.lastLine == "Create notes.txt? (Y)es/(N)o [Yes]: ")
        #expect(try #require(AgentPreset.builtIn["aider"]).waitsForInput(lastLine: parser.lastLine ?? ""))
        #expect(result.output.contains("Got answer: yes"))
    }
}
