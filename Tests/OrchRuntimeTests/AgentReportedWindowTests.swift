import Foundation
import OrchRuntime
import Testing

/// The context window and the run's facts come from the CLI's own report where it gives them.
struct AgentReportedWindowTests {
    /// A result line as Claude Code 2.1.332 prints it (trimmed to the fields read).
    static let result = #"{"type":"result","subtype":"success","is_error":false,"num_turns":2,"result":"Done.","session_id":"22222222-2222-4222-8222-222222222222","total_cost_usd":0.10084,"usage":{"input_tokens":24930,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":56},"modelUsage":{"claude-haiku-4-5":{"inputTokens":10,"outputTokens":2,"costUSD":0.0001,"contextWindow":200000},"claude-opus-5-5":{"inputTokens":24930,"outputTokens":56,"costUSD":0.10074,"contextWindow":1000000,"maxOutputTokens":128000}}}"#

    @Test func claudesResultGivesTheModelsWindowAndCost() {
        var parser = AgentOutputParser(format: .claudeStreamJSON)
        parser.consume(Array((Self.result + "\n").utf8))
        let report = parser.finish()
        #expect(report.contextWindow == 1_000_000)
        #expect(report.costUSD == 0.10084)
        #expect(report.sessionID == "22222222-2222-4222-8222-222222222222")
        #expect(parser.usedModel)
    }

    @Test func aRunThatNeverReachedItsModelSaysSoAndKeepsItsLastLines() {
        var parser = AgentOutputParser(format: .codexJSON)
        let text = "error: unexpected argument '--full-auto' found\n\nUsage: codex exec [OPTIONS] [PROMPT]\n\nFor more information, try '--help'.\n"
        parser.consume(Array(text.utf8))
        _ = parser.finish()
        #expect(!parser.usedModel)
        #expect(parser.recentLines.first == "error: unexpected argument '--full-auto' found")
        #expect(parser.lastLine == "For more information, try '--help'.")
    }
}
