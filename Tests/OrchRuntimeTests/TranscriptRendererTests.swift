import Foundation
import OrchRuntime
import Testing

/// The transcript a person reads instead of an agent's JSON events.
struct TranscriptRendererTests {
    /// Renders `text` fed in pieces cut at `chunks`; returns the lines shown, colours removed.
    static func render(_ text: String, _ format: AgentOutputFormat, hex: String? = nil, directory: String? = nil,
                       pricing: ModelPricing? = nil, chunks: [Int] = []) -> (lines: [String], raw: String) {
        var renderer = TranscriptRenderer(format: format, workerHex: hex, directory: directory, pricing: pricing)
        let bytes = Array(text.utf8)
        var shown: [UInt8] = []
        var start = 0
        for end in chunks + [bytes.count] where end >= start {
            shown += renderer.consume(Array(bytes[start..<end]))
            start = end
        }
        shown += renderer.finish()
        let raw = String(decoding: shown, as: UTF8.self)
        let plain = raw.replacingOccurrences(of: #"\u001B\[[0-9;]*m"#, with: "", options: .regularExpression)
        // By bytes: "\r\n" is one Character to String.
        var lines = plain.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...], as: UTF8.self)
        }
        if lines.last == "" { lines.removeLast() }
        return (lines, raw)
    }

    static func fixture(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/agent-output/\(name)")
        return try String(contentsOf: url, encoding: .utf8)
    }

    @Test func claudeEventsReadAsATranscript() {
        let (lines, _) = Self.render(AgentOutputSamples.claude, .claudeStreamJSON)
        #expect(lines == [
            "claude · claude-sonnet-4-5-20250929 · session 9a1c6f1e · 3 tools",
            "(node:4242) Warning: an unrelated warning on the terminal",
            "I'll add the file.",
            "Write a.txt",
            "  ⎿ File created",
            "Done: added a.txt ✅",
            "✔ done (3 turns, 8.1s, $0.0123, tokens: 11 in + 34.3k cached, 160 out)",
        ])
    }

    /// Captured from Claude Code 2.1.332 against a stand-in model (Tests/Fixtures/agent-output).
    @Test func aRealClaudeRunReadsAsATranscript() throws {
        let output = try Self.fixture("claude-stream-json.jsonl")
        let (lines, raw) = Self.render(output, .claudeStreamJSON, hex: "#6366f1", directory: "/tmp/h13t-cap/wt", chunks: [100, 4_000, 4_001])
        #expect(lines == [
            "claude 2.1.332 · claude-opus-5-5 · session 11111111 · 23 tools",
            #"Bash: mkdir -p notes && printf '%s\n' 'hello world' > notes/a.txt"#,
            "  ⎿ (Bash completed with no output)",
            "Done: wrote notes/a.txt.",
            "✔ done (2 turns, 7.0s, $0.1005, tokens: 24.8k in, 58 out)",
        ])
        #expect(!lines.contains { $0.hasPrefix("{") } && !raw.contains("\n{"))
        #expect(output.split(separator: "\n").allSatisfy { $0.hasPrefix("{") })
    }

    /// Captured from codex-cli 0.163.0 against a stand-in model (Tests/Fixtures/agent-output).
    @Test func aRealCodexRunReadsAsATranscript() throws {
        let output = try Self.fixture("codex-exec-json.jsonl")
        let (lines, raw) = Self.render(output, .codexJSON, hex: "#10b981", chunks: [30, 31, 500])
        #expect(lines == [
            "codex · thread 01a23025",
            "error: Model metadata for `gpt-5-codex` not found. Defaulting to fallback metadata; this can degrade performance and cause issues.",
            #"$ mkdir -p notes && printf '%s\n' 'hello world' > notes/a.txt"#,
            "  ⎿ pyenv: cannot rehash: /root/.pyenv/shims isn't writable",
            "Done: wrote notes/a.txt.",
            "✔ turn done (tokens: 20.6k in, 86 out)",
        ])
        #expect(!lines.contains { $0.hasPrefix("{") } && !raw.contains("\n{"))
        #expect(output.split(separator: "\n").allSatisfy { $0.hasPrefix("{") })
    }

    @Test func linesSplitAnywhereRenderTheSame() {
        let whole = Self.render(AgentOutputSamples.claude, .claudeStreamJSON).lines
        let bytes = AgentOutputSamples.claude.utf8.count
        #expect(Self.render(AgentOutputSamples.claude, .claudeStreamJSON, chunks: [1, 7, 300, 301, 650, bytes - 2]).lines == whole)
        #expect(Self.render(AgentOutputSamples.claude, .claudeStreamJSON, chunks: Array(stride(from: 0, to: bytes, by: 13))).lines == whole)
    }

    @Test func claudeFailureIsRedWithItsCost() {
        let (lines, raw) = Self.render(AgentOutputSamples.claudeMaxTurns, .claudeStreamJSON, hex: "#6366f1")
        #expect(lines == ["claude · session s-2", "✘ failed: error_max_turns", "  (10 turns, $0.50, tokens: 100 in, 50 out)"])
        #expect(raw.contains("\u{1b}[31m✘ failed: error_max_turns\u{1b}[0m"))
        // The figures in the worker's colour (#6366f1 is 99;102;241).
        #expect(raw.contains("\u{1b}[38;2;99;102;241m  (10 turns"))
    }

    @Test func toolCallsAreOneLineAndResultsShortened() {
        let output = [
            #"{"type":"system","subtype":"init","cwd":"/repo/wt","session_id":"abc","tools":[],"mcp_servers":[{"name":"git-orch","status":"connected"}]}"#,
            #"{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"mkdir -p notes && printf 'a very long line that goes on and on and on and on and on and on and on and on and on' > notes/a.txt","description":"x"}}]}}"#,
            #"{"type":"user","message":{"role":"user","content":[{"tool_use_id":"t1","type":"tool_result","content":"one\ntwo\nthree\nfour\nfive\n"}]}}"#,
            #"{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"t2","name":"Edit","input":{"file_path":"/repo/wt/notes/a.txt","old_string":"a","new_string":"b"}}]}}"#,
            #"{"type":"user","message":{"role":"user","content":[{"tool_use_id":"t2","type":"tool_result","content":"String not found in file","is_error":true}]}}"#,
            #"{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"t3","name":"Read","input":{"file_path":"/elsewhere/x.swift"}},{"type":"tool_use","id":"t4","name":"mcp__git-orch__task_done","input":{"id":"4f2a","note":"all done"}}]}}"#,
            #"{"type":"user","message":{"role":"user","content":[{"tool_use_id":"t4","type":"tool_result","content":[{"type":"text","text":"ok"}]}]}}"#,
            #"{"type":"assistant","message":{"id":"m1","content":[{"type":"tool_use","id":"t5","name":"Grep","input":{"pattern":"TODO","path":"/repo/wt/src"}},{"type":"tool_use","id":"t6","name":"TodoWrite","input":{"todos":[{"status":"completed"},{"status":"pending"}]}}]}}"#,
        ].map { $0 + "\n" }.joined()
        let (lines, raw) = Self.render(output, .claudeStreamJSON, hex: "#10b981")
        #expect(lines == [
            "claude · session abc · 0 tools · MCP: git-orch (connected)",
            "Bash: mkdir -p notes && printf 'a very long line that goes on and on and on and on and on and on and on an ...",
            "  ⎿ one",
            "    two",
            "    (+3 lines)",
            "Edit notes/a.txt",
            "  ⎿ String not found in file",
            "Read /elsewhere/x.swift",
            "git-orch.task_done id=4f2a note=all done",
            "  ⎿ ok",
            #"Grep "TODO" in src"#,
            "TodoWrite (2 items, 1 done)",
        ])
        #expect(raw.contains("\u{1b}[31m  ⎿ String not found in file\u{1b}[0m"))
    }

    @Test func codexEventsReadAsATranscript() {
        let (lines, _) = Self.render(AgentOutputSamples.codex, .codexJSON, directory: "/w",
                                     pricing: ModelPricing(inputPerMillion: 1.25, outputPerMillion: 10, cachedInputPerMillion: 0.125))
        #expect(lines == [
            "2025-10-01T12:00:00.000Z  WARN codex_core::config: an unrelated warning",
            "codex · thread 0199a213",
            "(thinking) Planning the change",
            "$ ls",
            "  ⎿ README.md",
            "Add a.txt",
            "Added a.txt — done.",
            "✔ turn done (~$0.0047, tokens: 315 in + 24.4k cached, 122 out)",
        ])
    }

    @Test func codexFailuresAreRed() {
        let output = AgentOutputSamples.codexFailed + [
            #"{"type":"item.completed","item":{"id":"item_9","type":"command_execution","command":"bash -lc 'swift build'","aggregated_output":"error: no such module\n","exit_code":1,"status":"failed"}}"#,
        ].map { $0 + "\r\n" }.joined()
        let (lines, raw) = Self.render(output, .codexJSON, hex: "#f43f5e")
        #expect(lines == [
            "codex · thread t-3",
            "error: stream disconnected before completion",
            "✘ failed: stream disconnected before completion",
            "$ swift build",
            "  ⎿ error: no such module",
            "    exit 1",
        ])
        #expect(raw.contains("\u{1b}[31merror: stream disconnected before completion\u{1b}[0m"))
        #expect(raw.contains("\u{1b}[31m    exit 1\u{1b}[0m"))
    }

    @Test func unknownAndBrokenLinesAreSummarisedNeverShownRaw() {
        let output = [
            #"{"type":"rate_limit_event","rate_limit_info":{"status":"allowed"}}"#,
            #"{"type":"assistant","message":{"content":[{"type":"text","te"#,
            #"["not", "an", "event"]"#,
            #"{"type":"stream_event","event":{"type":"content_block_delta"}}"#,
            "  ",
        ].map { $0 + "\n" }.joined()
        let (lines, _) = Self.render(output, .claudeStreamJSON)
        #expect(lines == ["(rate_limit_event event)", "(unreadable output line, 60 bytes)", "(unreadable output line, 22 bytes)"])
        #expect(!lines.contains { $0.hasPrefix("{") || $0.hasPrefix("[") })
        // The last line, unfinished, is shown when the run ends.
        #expect(Self.render(#"{"type":"turn.completed","usage":{"input_tokens":5,"output_tokens":2}}"#, .codexJSON).lines == ["✔ turn done (tokens: 5 in, 2 out)"])
    }

    @Test func textAgentsPassThroughUnchanged() {
        for format in [AgentOutputFormat.aiderText, .plain] {
            var renderer = TranscriptRenderer(format: format, workerHex: "#6366f1")
            let bytes = Array(AgentOutputSamples.aider.utf8)
            #expect(renderer.consume(Array(bytes[..<10])) + renderer.consume(Array(bytes[10...])) + renderer.finish() == bytes)
            #expect(!renderer.isStructured)
        }
    }

    @Test func theLastLineIsReadable() {
        var renderer = TranscriptRenderer(format: .claudeStreamJSON, workerHex: "#6366f1")
        _ = renderer.consume(Array(AgentOutputSamples.claudeMaxTurns.utf8))
        #expect(renderer.lastLine == "  (10 turns, $0.50, tokens: 100 in, 50 out)")
    }
}
