import OrchCatalog

/// Claude Code's `--output-format stream-json`: a `system`/`init` event with the session id, an
/// `assistant` event per content block (each repeating its message's usage so far), and a final
/// `result` event with the run's total cost, usage, turns and outcome.
struct ClaudeStreamReader: Sendable {
    private struct Usage: Sendable {
        var input = 0, output = 0, cacheCreation = 0, cacheRead = 0
        var prompt: Int { input + cacheCreation + cacheRead }

        init(_ value: JSONValue?) {
            input = value?.field("input_tokens")?.count ?? 0
            output = value?.field("output_tokens")?.count ?? 0
            cacheCreation = value?.field("cache_creation_input_tokens")?.count ?? 0
            cacheRead = value?.field("cache_read_input_tokens")?.count ?? 0
        }

        init() {}
    }

    /// Latest usage per assistant message id, in arrival order: a message's blocks repeat it.
    private var messageUsage: [(id: String, usage: Usage)] = []
    private var lastAssistantText: String?
    private var sawResult = false

    mutating func read(_ line: String, into report: inout AgentReport) -> Bool {
        // Tool results echo whole files back: skip decoding what carries nothing we read.
        if line.hasPrefix(#"{"type":"user""#) || line.hasPrefix(#"{"type":"stream_event""#) { return false }
        guard let event = JSONLine.object(line), let type = event.field("type")?.text else { return false }
        if let session = event.field("session_id")?.text ?? event.field("sessionId")?.text { report.sessionID = session }
        switch type {
        case "assistant":
            guard let message = event.field("message") else { return false }
            if let blocks = message.field("content")?.elements {
                let texts = blocks.compactMap { $0.field("type")?.text == "text" ? $0.field("text")?.text : nil }
                if !texts.isEmpty { lastAssistantText = texts.joined(separator: "\n") }
            }
            guard let usageValue = message.field("usage") else { return false }
            let usage = Usage(usageValue)
            let id = message.field("id")?.text ?? "#\(messageUsage.count)"
            if let index = messageUsage.firstIndex(where: { $0.id == id }) { messageUsage[index].usage = usage }
            else { messageUsage.append((id, usage)) }
            report.contextTokens = usage.prompt
            if !sawResult {
                report.inputTokens = messageUsage.reduce(0) { $0 + $1.usage.input }
                report.outputTokens = messageUsage.reduce(0) { $0 + $1.usage.output }
                report.cachedTokens = messageUsage.reduce(0) { $0 + $1.usage.cacheCreation + $1.usage.cacheRead }
            }
            return true
        case "result":
            sawResult = true
            if let usageValue = event.field("usage") {
                let usage = Usage(usageValue)
                report.inputTokens = usage.input
                report.outputTokens = usage.output
                report.cachedTokens = usage.cacheCreation + usage.cacheRead
            }
            // Older releases called it cost_usd.
            if let cost = event.field("total_cost_usd")?.double ?? event.field("cost_usd")?.double { report.costUSD = cost }
            // Per model: its window and cost. The main model has the largest window of those used.
            if let windows = event.field("modelUsage")?.members?.compactMap({ $0.value.field("contextWindow")?.count }), let largest = windows.max() {
                report.contextWindow = largest
            }
            if let turns = event.field("num_turns")?.count { report.turns = turns }
            let subtype = event.field("subtype")?.text ?? ""
            let result = event.field("result")?.text
            report.resultText = result ?? lastAssistantText
            report.isError = event.field("is_error")?.flag ?? subtype.hasPrefix("error")
            if report.isError {
                let errors = event.field("errors")?.elements?.compactMap(\.text) ?? []
                report.errorMessage = result.flatMap { $0.isEmpty ? nil : $0 }
                    ?? (errors.isEmpty ? nil : errors.joined(separator: "; ")) ?? (subtype.isEmpty ? "failed" : subtype)
            }
            return true
        default:
            return false
        }
    }

    /// Whether usage was seen, so a price can be put on it.
    var sawUsage: Bool { sawResult || !messageUsage.isEmpty }

    func finish(_ report: inout AgentReport) {
        if !sawResult, report.resultText == nil { report.resultText = lastAssistantText }
    }
}
