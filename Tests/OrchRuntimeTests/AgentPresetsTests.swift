import Foundation
import OrchRuntime
import OrchTestSupport
import Testing

struct AgentPresetsTests {
    let folder = TemporaryDirectory("agent-presets")

    func presetFile(_ json: String) throws -> String {
        let path = folder.file("agents.json")
        try json.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func builtInsResolveByName() throws {
        let claude = try AgentPresets.resolve("claude", gitConfig: [:], presetFile: nil)
        #expect(claude == AgentPreset.builtIn["claude"])
        let names = try AgentPresets.all(gitConfig: [:], presetFile: folder.file("missing.json")).map(\.name)
        #expect(names == ["aider", "claude", "codex", "scripted"])
    }

    @Test func gitConfigDefinesAPreset() throws {
        let config = [
            "orch.agent.mine.command": "mytool --yes {prompt_file}",
            "orch.agent.mine.output": "aider-text",
            "orch.agent.mine.resume": "--continue {session_id}",
            "orch.agent.mine.inputpattern": #"Continue\?\s*$"#,
            "orch.agent.mine.contextwindow": "100000",
            "orch.agent.mine.inputPrice": "2",
            "orch.agent.mine.outputPrice": "8",
            "user.name": "someone",
        ]
        let mine = try AgentPresets.resolve("mine", gitConfig: config, presetFile: nil)
        #expect(mine == AgentPreset(
            name: "mine", command: ["mytool", "--yes", "{prompt_file}"], prompt: .file, output: .aiderText,
            resume: ["--continue", "{session_id}"], inputPatterns: [#"Continue\?\s*$"#], contextWindow: 100_000,
            pricing: ModelPricing(inputPerMillion: 2, outputPerMillion: 8)))
        #expect(try AgentPresets.all(gitConfig: config, presetFile: nil).map(\.name) == ["aider", "claude", "codex", "mine", "scripted"])
    }

    @Test func layersFillInOverTheBuiltIn() throws {
        let file = try presetFile(#"{"claude": {"model": "--model {model} --fallback-model sonnet"}, "codex": {"resume": null}}"#)
        let config = ["orch.agent.claude.contextWindow": "1000000"]
        let claude = try AgentPresets.resolve("claude", gitConfig: config, presetFile: file)
        var expected = try #require(AgentPreset.builtIn["claude"])
        expected.model = ["--model", "{model}", "--fallback-model", "sonnet"]
        expected.contextWindow = 1_000_000
        #expect(claude == expected)
        #expect(try AgentPresets.resolve("codex", gitConfig: [:], presetFile: file).resume == nil)
    }

    @Test func fileDefinesAPreset() throws {
        let file = try presetFile("""
            {
              "reviewer": {
                "command": ["review-bot", "--input", "{prompt_file}"],
                "output": "plain",
                "inputPatterns": ["^Approve\\\\?"],
                "pricing": {"inputPerMillion": 1, "outputPerMillion": 4}
              }
            }
            """)
        let reviewer = try AgentPresets.resolve("reviewer", gitConfig: [:], presetFile: file)
        #expect(reviewer.command == ["review-bot", "--input", "{prompt_file}"])
        #expect(reviewer.prompt == .file)
        #expect(reviewer.inputPatterns == [#"^Approve\?"#])
        #expect(reviewer.pricing == ModelPricing(inputPerMillion: 1, outputPerMillion: 4))
    }

    @Test func aCommandLineResolvesToACommandPreset() throws {
        let preset = try AgentPresets.resolve("mytool --fast {prompt}", gitConfig: [:], presetFile: nil)
        #expect(preset.command == ["mytool", "--fast", "{prompt}"])
        #expect(preset.name == "mytool --fast {prompt}")
    }

    @Test func unknownNamesListTheKnownOnes() {
        let config = ["orch.agent.mine.command": "mine"]
        #expect(throws: AgentPresetError.unknownAgent(name: "cluade", known: ["aider", "claude", "codex", "mine", "scripted"])) {
            try AgentPresets.resolve("cluade", gitConfig: config, presetFile: nil)
        }
    }

    @Test(arguments: [
        (["orch.agent.mine.output": "xml", "orch.agent.mine.command": "t"],
         AgentPresetError.invalidValue(
            source: "git config orch.agent.mine.output", field: "output", value: "xml",
            expected: "one of claude-stream-json, codex-json, aider-text, plain")),
        (["orch.agent.mine.prompt": "pigeon", "orch.agent.mine.command": "t"],
         .invalidValue(source: "git config orch.agent.mine.prompt", field: "prompt", value: "pigeon", expected: "one of argument, file, stdin")),
        (["orch.agent.mine.colour": "red", "orch.agent.mine.command": "t"],
         .unknownField(source: "git config orch.agent.mine.colour", field: "colour")),
        (["orch.agent.mine.command": "t 'x"],
         .malformedCommand(source: "git config orch.agent.mine.command", field: "command", reason: "unbalanced ' quote")),
        (["orch.agent.mine.output": "plain"], .emptyCommand(source: "git config orch.agent.mine", field: "command")),
        (["orch.agent.mine.command": "t", "orch.agent.mine.contextWindow": "lots"],
         .invalidValue(source: "git config orch.agent.mine.contextWindow", field: "contextWindow", value: "lots", expected: "a number of tokens")),
        (["orch.agent.mine.command": "t", "orch.agent.mine.inputPrice": "-3", "orch.agent.mine.outputPrice": "1"],
         .invalidValue(source: "git config orch.agent.mine.inputPrice", field: "inputPrice", value: "-3", expected: "a price in USD per million tokens")),
        (["orch.agent.mine.command": "t", "orch.agent.mine.inputPrice": "3"],
         .invalidValue(source: "git config orch.agent.mine.inputPrice", field: "pricing", value: "one price", expected: "both inputPrice and outputPrice")),
        (["orch.agent.mine.command": "t", "orch.agent.mine.inputPattern": "(oops"],
         .invalidPattern(source: "git config orch.agent.mine", field: "inputPatterns", pattern: "(oops")),
        (["orch.agent.mine.command": "t {worktre}"],
         .unknownPlaceholder(source: "git config orch.agent.mine", field: "command", placeholder: "worktre")),
    ])
    func malformedGitConfigNamesTheKey(config: [String: String], error: AgentPresetError) {
        #expect(throws: error) { try AgentPresets.resolve("mine", gitConfig: config, presetFile: nil) }
    }

    @Test(arguments: [
        (#"{"mine": {"command": "t", "output": 3}}"#,
         AgentPresetError.invalidValue(source: "(agent \"mine\")", field: "output", value: "3", expected: "a string")),
        (#"{"mine": {"command": "t", "colour": "red"}}"#, .unknownField(source: "(agent \"mine\")", field: "colour")),
        (#"{"mine": {"command": []}}"#, .emptyCommand(source: "(agent \"mine\")", field: "command")),
        (#"{"mine": {"command": ["t", 1]}}"#, .invalidValue(source: "(agent \"mine\")", field: "command", value: "1", expected: "a string")),
        (#"{"mine": {"command": "t", "inputPatterns": ["[a-"]}}"#,
         .invalidPattern(source: "(agent \"mine\")", field: "inputPatterns", pattern: "[a-")),
        (#"{"mine": {"command": "t", "contextWindow": 1.5}}"#,
         .invalidValue(source: "(agent \"mine\")", field: "contextWindow", value: "1.5", expected: "a number of tokens")),
        (#"{"mine": {"command": "t", "pricing": {"inputPerMillion": 1}}}"#,
         .invalidValue(source: "(agent \"mine\")", field: "pricing.outputPerMillion", value: "missing", expected: "a price in USD per million tokens")),
        (#"{"mine": {"command": "t", "pricing": {"inputPerMillion": 1, "outputPerMillion": 2, "per": 3}}}"#,
         .unknownField(source: "(agent \"mine\")", field: "pricing.per")),
        (#"{"mine": "t"}"#, .invalidValue(source: "(agent \"mine\")", field: "mine", value: "a string", expected: "an object of preset fields")),
        (#"["mine"]"#, .invalidJSON(source: "", line: nil, column: nil, reason: "expected an object of {\"agent name\": {fields}}")),
    ])
    func malformedFileNamesTheFileAndAgent(json: String, error: AgentPresetError) throws {
        let file = try presetFile(json)
        // The file's path leads every source; the cases hold the rest.
        let expected: AgentPresetError = switch error {
        case .invalidValue(let source, let field, let value, let wanted): .invalidValue(source: "\(file) \(source)", field: field, value: value, expected: wanted)
        case .unknownField(let source, let field): .unknownField(source: "\(file) \(source)", field: field)
        case .emptyCommand(let source, let field): .emptyCommand(source: "\(file) \(source)", field: field)
        case .invalidPattern(let source, let field, let pattern): .invalidPattern(source: "\(file) \(source)", field: field, pattern: pattern)
        case .invalidJSON(_, let line, let column, let reason): .invalidJSON(source: file, line: line, column: column, reason: reason)
        default: error
        }
        #expect(throws: expected) { try AgentPresets.resolve("mine", gitConfig: [:], presetFile: file) }
    }

    @Test func invalidJSONSaysWhere() throws {
        let file = try presetFile("{\n  \"mine\": {\n    \"command\": [\"t\" \"u\"]\n  }\n}\n")
        do {
            _ = try AgentPresets.all(gitConfig: [:], presetFile: file)
            Issue.record("expected an error")
        } catch {
            guard case .invalidJSON(let source, let line, _, _) = error else { Issue.record("\(error)"); return }
            #expect(source == file)
            #expect(line == 3)
            #expect("\(error)".hasPrefix("\(file):3:"))
        }
    }

    @Test func anUnreadableFileIsAnError() {
        let path = folder.path
        #expect(throws: AgentPresetError.self) { try AgentPresets.resolve("claude", gitConfig: [:], presetFile: path) }
    }
}
