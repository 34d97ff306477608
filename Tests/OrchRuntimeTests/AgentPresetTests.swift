import OrchRuntime
import Testing

struct AgentPresetTests {
    @Test func commandSplitsLikeAShellWithoutExpandingAnything() throws {
        let preset = try AgentPreset.command(#"mytool --yes 'two words' "say \"hi\" \$HOME" a\ b '' $HOME ~ * {prompt_file}"#)
        #expect(preset.command == ["mytool", "--yes", "two words", #"say "hi" $HOME"#, "a b", "", "$HOME", "~", "*", "{prompt_file}"])
        #expect(preset.prompt == .file)
        #expect(preset.output == .plain)
        #expect(preset.resume == nil)
    }

    @Test func backslashInsideDoubleQuotesIsLiteralUnlessItEscapesSomething() throws {
        #expect(try AgentPreset.command(#"t "a\nb" 'c\d'"#).command == ["t", #"a\nb"#, #"c\d"#])
    }

    @Test func placeholderDecidesHowThePromptIsDelivered() throws {
        #expect(try AgentPreset.command("tool --ask {prompt}").prompt == .argument)
        #expect(try AgentPreset.command("tool --in={prompt_file}").prompt == .file)
        #expect(try AgentPreset.command("tool --read-stdin").prompt == .stdin)
    }

    @Test func aTitleFullOfShellMetacharactersStaysOneLiteralArgument() throws {
        let title = #"Fix "quotes" & $(rm -rf /) `id`; echo $HOME > /tmp/x | cat 'it's' \n {model} *"#
        let preset = try AgentPreset.command("tool --message {prompt} --fast")
        let run = preset.invocation(prompt: title, promptFile: "/p", sessionID: "s", resuming: false, model: "m", worktree: "/w")
        #expect(run.executable == "tool")
        #expect(run.arguments == ["--message", title, "--fast"])
        #expect(run.standardInput == nil)
    }

    @Test func stdinDeliveryPutsThePromptOnStandardInput() throws {
        let run = try AgentPreset.command("tool -q").invocation(
            prompt: "héllo", promptFile: "/p", sessionID: "s", resuming: false, model: nil, worktree: "/w")
        #expect(run.arguments == ["-q"])
        #expect(run.standardInput == Array("héllo".utf8))
    }

    @Test(arguments: [
        ("", AgentPresetError.emptyCommand(source: "--agent", field: "command")),
        ("   \t", .emptyCommand(source: "--agent", field: "command")),
        ("tool 'open", .malformedCommand(source: "--agent", field: "command", reason: "unbalanced ' quote")),
        (#"tool "open"#, .malformedCommand(source: "--agent", field: "command", reason: #"unbalanced " quote"#)),
        (#"tool end\"#, .malformedCommand(source: "--agent", field: "command", reason: "ends with a backslash that escapes nothing")),
        ("tool {promt}", .unknownPlaceholder(source: "--agent", field: "command", placeholder: "promt")),
    ])
    func badCommandLinesAreRejected(line: String, error: AgentPresetError) {
        #expect(throws: error) { try AgentPreset.command(line) }
    }

    @Test func claudeStartsASessionWeChooseAndResumesIt() throws {
        let claude = try #require(AgentPreset.builtIn["claude"])
        let fresh = claude.invocation(prompt: "do it", promptFile: "/p", sessionID: "u-1", resuming: false, model: "opus", worktree: "/w")
        #expect(fresh.executable == "claude")
        #expect(fresh.arguments == [
            "-p", "--output-format", "stream-json", "--verbose", "--dangerously-skip-permissions",
            "--model", "opus", "--session-id", "u-1", "do it",
        ])
        let resumed = claude.invocation(prompt: "go on", promptFile: "/p", sessionID: "u-1", resuming: true, model: nil, worktree: "/w")
        #expect(resumed.arguments == [
            "-p", "--output-format", "stream-json", "--verbose", "--dangerously-skip-permissions", "--resume", "u-1", "go on",
        ])
        #expect(claude.output == .claudeStreamJSON && claude.canResume && !claude.usesPromptFile)
    }

    @Test func codexResumesWithTheThreadItReported() throws {
        let codex = try #require(AgentPreset.builtIn["codex"])
        let fresh = codex.invocation(prompt: "do it", promptFile: "/p", sessionID: "ignored", resuming: false, model: "o3", worktree: "/w")
        #expect(fresh.executable == "codex")
        #expect(fresh.arguments == ["exec", "--json", "-s", "workspace-write", "--skip-git-repo-check", "--model", "o3", "do it"])
        let resumed = codex.invocation(prompt: "go on", promptFile: "/p", sessionID: "th-9", resuming: true, model: nil, worktree: "/w")
        #expect(resumed.arguments == ["exec", "--json", "-s", "workspace-write", "--skip-git-repo-check", "resume", "th-9", "go on"])
        #expect(codex.pricing != nil)
    }

    @Test func aiderReadsAFileAndCannotResume() throws {
        let aider = try #require(AgentPreset.builtIn["aider"])
        let run = aider.invocation(prompt: "do it", promptFile: "/tmp/p.md", sessionID: "s", resuming: true, model: "sonnet", worktree: "/w")
        #expect(run.executable == "aider")
        #expect(run.arguments == [
            "--message-file", "/tmp/p.md", "--yes-always", "--no-auto-commits", "--no-pretty", "--no-gitignore",
            "--no-check-update", "--no-show-release-notes", "--model", "sonnet",
        ])
        #expect(run.standardInput == nil)
        #expect(!aider.canResume && aider.usesPromptFile)
    }

    @Test func builtInsAreValid() throws {
        for (name, preset) in AgentPreset.builtIn {
            #expect(preset.name == name)
            #expect(try preset.validated(source: "built-in") == preset)
        }
    }

    @Test func placeholdersAreReplacedOnceAndInsideArguments() {
        let preset = AgentPreset(
            name: "x", command: ["{worktree}/bin/agent", "--title={prompt}", "--in", "{worktree}"], prompt: .argument, output: .plain,
            newSession: ["--sid={session_id}"])
        let run = preset.invocation(prompt: "use {session_id} and {model}", promptFile: "/p", sessionID: "S", resuming: false, model: nil, worktree: "/w")
        #expect(run.executable == "/w/bin/agent")
        #expect(run.arguments == ["--title=use {session_id} and {model}", "--in", "/w", "--sid=S"])
    }

    @Test func inputPatternsRecognizeQuestions() throws {
        let aider = try #require(AgentPreset.builtIn["aider"])
        #expect(aider.waitsForInput(lastLine: "Add file to the chat? (Y)es/(N)o/(D)on't ask again [Yes]: "))
        #expect(aider.waitsForInput(lastLine: "Overwrite? [y/N] "))
        #expect(!aider.waitsForInput(lastLine: "Applied edit to main.swift"))
        #expect(!AgentPreset.builtIn["claude"]!.waitsForInput(lastLine: #"{"type":"result","result":"ok?"}"#))
    }

    @Test func validationNamesTheSourceAndField() {
        var preset = AgentPreset(name: "x", command: ["t"], prompt: .stdin, output: .plain)
        preset.inputPatterns = ["(unclosed"]
        #expect(throws: AgentPresetError.invalidPattern(source: "here", field: "inputPatterns", pattern: "(unclosed")) {
            try preset.validated(source: "here")
        }
        preset.inputPatterns = []
        preset.resume = ["--again", "{sesion_id}"]
        #expect(throws: AgentPresetError.unknownPlaceholder(source: "here", field: "resume", placeholder: "sesion_id")) {
            try preset.validated(source: "here")
        }
        preset.resume = nil
        preset.contextWindow = 0
        #expect(throws: AgentPresetError.invalidValue(source: "here", field: "contextWindow", value: "0", expected: "a positive number of tokens")) {
            try preset.validated(source: "here")
        }
        preset.contextWindow = nil
        preset.pricing = ModelPricing(inputPerMillion: -1, outputPerMillion: 1)
        #expect(throws: AgentPresetError.invalidValue(source: "here", field: "pricing", value: "-1.0", expected: "a price of zero or more")) {
            try preset.validated(source: "here")
        }
        preset.pricing = nil
        preset.command = [""]
        #expect(throws: AgentPresetError.emptyCommand(source: "here", field: "command")) { try preset.validated(source: "here") }
        #expect("\(AgentPresetError.emptyCommand(source: "here", field: "command"))".contains("here: command"))
    }
}
