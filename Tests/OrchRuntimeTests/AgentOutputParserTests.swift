import Foundation
import OrchRuntime
import Testing

struct AgentOutputParserTests {
    func parse(_ text: String, _ format: AgentOutputFormat, pricing: ModelPricing? = nil, chunks: [Int] = []) -> AgentReport {
        var parser = AgentOutputParser(format: format, pricing: pricing)
        let bytes = Array(text.utf8)
        var start = 0
        for end in chunks + [bytes.count] where end >= start {
            parser.consume(Array(bytes[start..<end]))
            start = end
        }
        return parser.finish()
    }

    /// Every split point, and one byte at a time, gives the same report as one read: lines and
    /// UTF-8 characters cut in half are put back together.
    func expectSplitsDoNotMatter(_ text: String, _ format: AgentOutputFormat, pricing: ModelPricing? = nil) {
        let whole = parse(text, format, pricing: pricing)
        let count = text.utf8.count
        for split in stride(from: 0, through: count, by: 1) where parse(text, format, pricing: pricing, chunks: [split]) != whole {
            Issue.record("split at byte \(split) of \(count) changes the report")
            return
        }
        #expect(parse(text, format, pricing: pricing, chunks: Array(1..<count)) == whole)
    }

    @Test func claudeStreamJSON() {
        let report = parse(AgentOutputSamples.claude, .claudeStreamJSON)
        #expect(report == AgentReport(
            sessionID: AgentOutputSamples.claudeSession, costUSD: 0.0123, inputTokens: 11, outputTokens: 160,
            cachedTokens: 34_300, contextTokens: 17_308, resultText: "Done: added a.txt ✅", isError: false, turns: 3))
        expectSplitsDoNotMatter(AgentOutputSamples.claude, .claudeStreamJSON)
    }

    @Test func claudeLiveCostBeforeTheResultComesFromPricing() throws {
        let pricing = try #require(AgentPreset.builtIn["claude"]?.pricing)
        var parser = AgentOutputParser(format: .claudeStreamJSON, pricing: pricing)
        let beforeResult = AgentOutputSamples.claude.components(separatedBy: "\r\n").dropLast(2).joined(separator: "\r\n") + "\r\n"
        parser.consume(Array(beforeResult.utf8))
        let live = parser.report
        // A message's blocks repeat its usage: msg_01A counts once.
        #expect(live.inputTokens == 11 && live.outputTokens == 160 && live.cachedTokens == 34_300)
        #expect(abs((live.costUSD ?? 0) - (11 * 3 + 160 * 15 + 34_300 * 0.3) / 1_000_000) < 1e-12)
        #expect(live.resultText == nil && live.turns == nil)
        #expect(parser.finish().resultText == "Done: added a.txt ✅")
    }

    @Test func claudeErrorResult() {
        let report = parse(AgentOutputSamples.claudeMaxTurns, .claudeStreamJSON)
        #expect(report.isError)
        #expect(report.errorMessage == "error_max_turns")
        #expect(report.sessionID == "s-2" && report.costUSD == 0.5 && report.turns == 10)

        let apiError = #"{"type":"result","subtype":"success","is_error":true,"result":"API Error: 529 Overloaded","session_id":"s","total_cost_usd":0}"#
        let failed = parse(apiError, .claudeStreamJSON)
        #expect(failed.isError && failed.errorMessage == "API Error: 529 Overloaded")
    }

    @Test func codexJSONPricedFromTokens() throws {
        let pricing = try #require(AgentPreset.builtIn["codex"]?.pricing)
        let report = parse(AgentOutputSamples.codex, .codexJSON, pricing: pricing)
        #expect(report.sessionID == AgentOutputSamples.codexThread)
        #expect(report.inputTokens == 315 && report.cachedTokens == 24_448 && report.outputTokens == 122)
        #expect(abs((report.costUSD ?? 0) - (315 * 1.25 + 122 * 10 + 24_448 * 0.125) / 1_000_000) < 1e-12)
        #expect(report.resultText == "Added a.txt — done.")
        #expect(report.contextTokens == nil)
        #expect(report.turns == 1 && !report.isError)
        expectSplitsDoNotMatter(AgentOutputSamples.codex, .codexJSON, pricing: pricing)
    }

    @Test func codexWithoutPricingHasNoCost() {
        #expect(parse(AgentOutputSamples.codex, .codexJSON).costUSD == nil)
    }

    @Test func codexFailure() {
        let report = parse(AgentOutputSamples.codexFailed, .codexJSON)
        #expect(report.isError)
        #expect(report.errorMessage == "stream disconnected before completion")
        #expect(report.sessionID == "t-3")
    }

    @Test func aiderText() {
        let report = parse(AgentOutputSamples.aider, .aiderText)
        #expect(report.inputTokens == 3_300 + 2_000)
        #expect(report.cachedTokens == 1_200 + 12_000)
        #expect(report.outputTokens == 230)
        #expect(report.costUSD == 0.0193)
        #expect(report.contextTokens == 2_000)
        #expect(report.turns == 2)
        #expect(report.sessionID == nil && !report.isError)
        let text = report.resultText ?? ""
        #expect(text.contains("Applied edit to a.txt\nFixing lint errors…"))
        #expect(!text.contains("Tokens:") && !text.contains("\u{1B}"))
        expectSplitsDoNotMatter(AgentOutputSamples.aider, .aiderText)
    }

    @Test func aiderWithoutACostLineIsPriced() {
        let report = parse("Tokens: 1.0k sent, 500 received.\n", .aiderText, pricing: ModelPricing(inputPerMillion: 2, outputPerMillion: 10))
        #expect(report.costUSD == 0.007)
    }

    @Test func plainOutputKeepsTheTail() {
        let lines = (1...30).map { "line \($0)" }
        let report = parse(lines.joined(separator: "\n") + "\n", .plain, pricing: ModelPricing(inputPerMillion: 1, outputPerMillion: 1))
        #expect(report.resultText == lines.suffix(20).joined(separator: "\n"))
        #expect(report.costUSD == nil)
    }

    @Test func lastLineIncludesAPromptWithoutNewline() {
        var parser = AgentOutputParser(format: .aiderText)
        parser.consume(Array("\u{1B}[32mApplied edit\u{1B}[0m\r\n\r\n".utf8))
        #expect(parser.lastLine == "Applied edit")
        parser.consume(Array("Create new file? (Y)es/(N)o [Yes]: ".utf8))
        #expect(parser.lastLine == "Create new file? (Y)es/(N)o [Yes]: ")
        parser.consume(Array("\r\n   \r\n".utf8))
        #expect(parser.lastLine == "Create new file? (Y)es/(N)o [Yes]: ")
    }

    @Test func terminalControlIsStripped() {
        var parser = AgentOutputParser(format: .plain)
        parser.consume(Array("\u{1B}]0;window title\u{07}\u{1B}(B\u{1B}[1;31mred\u{1B}[0m text\u{07}\r\n".utf8))
        #expect(parser.lastLine == "red text")
        parser.consume(Array("Scanning:  10%\rScanning:  50%\rScanning: 100%\r\n".utf8))
        #expect(parser.lastLine == "Scanning: 100%")
    }

    @Test func junkAndHalfLinesAreTolerated() {
        let text = "not json\n{\"type\":\"thread.started\",\"thread_id\":\"t\"}\n{broken\n[1,2]\n{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":10,\"output_tokens\":5}}"
        let report = parse(text, .codexJSON)
        #expect(report.sessionID == "t")
        #expect(report.inputTokens == 10 && report.outputTokens == 5)
    }
}
