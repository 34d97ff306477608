import OrchCatalog

/// Codex CLI's `exec --json` events: `thread.started` (the session id, which codex picks),
/// `item.completed` (an `agent_message` is its reply), `turn.completed` with usage, and
/// `turn.failed` / `error` on failure. Usage is the thread's running total, so the latest
/// replaces, never adds to, what came before; its `input_tokens` include the cached ones. It
/// gives no per-request prompt size, so `contextTokens` stays nil: a thread total would trigger
/// handoff far too early.
struct CodexEventReader: Sendable {
    private var sawUsage = false

    mutating func read(_ line: String, into report: inout AgentReport) -> Bool {
        // Command output streams through these: skip decoding what carries nothing we read.
        if line.hasPrefix(#"{"type":"item.started""#) || line.hasPrefix(#"{"type":"item.updated""#) { return false }
        guard let event = JSONLine.object(line), let type = event.field("type")?.text else { return false }
        switch type {
        case "thread.started":
            if let thread = event.field("thread_id")?.text { report.sessionID = thread }
        case "item.completed":
            let item = event.field("item")
            guard item?.field("type")?.text == "agent_message", let text = item?.field("text")?.text else { return false }
            report.resultText = text
        case "turn.completed":
            apply(event.field("usage"), to: &report)
            report.turns = (report.turns ?? 0) + 1
            // A turn that completes outlives an earlier error event (a dropped stream it retried).
            report.isError = false
            report.errorMessage = nil
        case "turn.failed":
            apply(event.field("usage"), to: &report)
            report.isError = true
            report.errorMessage = event.field("error")?.field("message")?.text ?? report.errorMessage ?? "turn failed"
        case "error":
            report.isError = true
            report.errorMessage = event.field("message")?.text ?? "error"
        default:
            return false
        }
        return true
    }

    private mutating func apply(_ usage: JSONValue?, to report: inout AgentReport) {
        guard let usage else { return }
        sawUsage = true
        let cached = usage.field("cached_input_tokens")?.count ?? 0
        report.inputTokens = max(0, (usage.field("input_tokens")?.count ?? 0) - cached)
        report.cachedTokens = cached
        report.outputTokens = usage.field("output_tokens")?.count ?? 0
    }

    var hasUsage: Bool { sawUsage }
}
