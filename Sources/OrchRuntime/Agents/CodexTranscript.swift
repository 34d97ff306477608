import Foundation
import OrchCatalog

/// Codex CLI's `exec --json` events as transcript lines (see TranscriptRenderer): `$ command` when
/// a command starts and its output shortened when it ends, file changes as `Edit path`, the
/// agent's messages, reasoning dimmed, and each turn's tokens (priced from the preset).
struct CodexTranscript: Sendable {
    var pricing: ModelPricing?
    /// Items whose start was shown, so their completion adds only the result.
    private var started: Set<String> = []

    mutating func render(_ event: JSONValue, _ style: TranscriptStyle) -> [String] {
        let type = event.field("type")?.text ?? "?"
        switch type {
        case "thread.started":
            return [style.muted("codex · thread " + String((event.field("thread_id")?.text ?? "?").prefix(8)))]
        case "turn.started", "item.updated":
            return []
        case "item.started":
            guard let item = event.field("item"), let call = call(item, style) else { return [] }
            if let id = item.field("id")?.text { started.insert(id) }
            return [call]
        case "item.completed":
            guard let item = event.field("item") else { return [] }
            return completed(item, style)
        case "turn.completed":
            return [style.strong("✔ turn done") + style.accent(" (" + usage(event.field("usage")) + ")")]
        case "turn.failed":
            let message = event.field("error")?.field("message")?.text ?? "turn failed"
            var lines = [style.error("✘ failed: " + TranscriptStyle.clip(message, 200))]
            if event.field("usage") != nil { lines.append(style.accent("  (" + usage(event.field("usage")) + ")")) }
            return lines
        case "error":
            return [style.error("error: " + TranscriptStyle.clip(event.field("message")?.text ?? "?", 200))]
        default:
            return [style.muted("(\(type) event)")]
        }
    }

    /// The one line that names what an item does, for the items that act.
    private func call(_ item: JSONValue, _ style: TranscriptStyle) -> String? {
        switch item.field("type")?.text {
        case "command_execution":
            return style.call("$", TranscriptStyle.clip(Self.unwrapShell(item.field("command")?.text ?? ""), 100))
        case "mcp_tool_call":
            let name = [item.field("server")?.text, item.field("tool")?.text].compactMap { $0 }.joined(separator: ".")
            return style.call(name.isEmpty ? "MCP" : name, ClaudeTranscript.arguments(item.field("arguments")))
        case "web_search":
            return style.call("Search", item.field("query")?.text)
        default:
            return nil
        }
    }

    private mutating func completed(_ item: JSONValue, _ style: TranscriptStyle) -> [String] {
        let kind = item.field("type")?.text ?? "?"
        let failed = item.field("status")?.text == "failed"
        var lines: [String] = []
        let id = item.field("id")?.text
        if let id, started.remove(id) == nil, let call = call(item, style) { lines.append(call) }
        else if id == nil, let call = call(item, style) { lines.append(call) }
        switch kind {
        case "agent_message":
            lines += (item.field("text")?.text ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init).trimmingBlankEnds()
        case "reasoning":
            let text = (item.field("text")?.text ?? "").replacingOccurrences(of: "**", with: "")
            if !text.isEmpty { lines.append(style.muted("(thinking) " + TranscriptStyle.clip(text, 100))) }
        case "command_execution":
            let exit = item.field("exit_code")?.count
            let bad = failed || (exit ?? 0) != 0
            lines += style.result(item.field("aggregated_output")?.text ?? "", isError: bad)
            if let exit, exit != 0 { lines.append(style.error("    exit \(exit)")) }
        case "file_change":
            for change in item.field("changes")?.elements ?? [] {
                let verb = switch change.field("kind")?.text { case "add": "Add"; case "delete": "Delete"; default: "Edit" }
                let line = style.call(verb, style.relative(change.field("path")?.text ?? "?"))
                lines.append(failed ? style.error(TranscriptStyle.plain(line) + " (failed)") : line)
            }
        case "mcp_tool_call":
            if let error = item.field("error")?.field("message")?.text ?? (failed ? "failed" : nil) {
                lines += style.result(error, isError: true)
            }
        case "web_search":
            break
        case "todo_list":
            let items = item.field("items")?.elements ?? []
            let done = items.filter { $0.field("completed")?.flag == true }.count
            lines.append(style.call("Plan", "(\(items.count) items, \(done) done)"))
        case "error":
            lines.append(style.error("error: " + TranscriptStyle.clip(item.field("message")?.text ?? "?", 200)))
        default:
            lines.append(style.muted("(\(kind))"))
        }
        return lines
    }

    /// Tokens so far in the thread (codex reports running totals), priced when we know how.
    private func usage(_ usage: JSONValue?) -> String {
        let cached = usage?.field("cached_input_tokens")?.count ?? 0
        let input = max(0, (usage?.field("input_tokens")?.count ?? 0) - cached)
        let output = usage?.field("output_tokens")?.count ?? 0
        let cost = pricing?.cost(inputTokens: input, outputTokens: output, cachedTokens: cached)
        return TranscriptStyle.usage(cost: cost, estimated: true, input: input, cached: cached, output: output)
    }

    /// `bash -lc 'ls -la'` reads as `ls -la`: codex wraps every command in a login shell.
    static func unwrapShell(_ command: String) -> String {
        for prefix in ["/bin/bash -lc ", "bash -lc ", "/bin/sh -c ", "sh -c ", "/bin/zsh -lc ", "zsh -lc "] where command.hasPrefix(prefix) {
            let rest = command.dropFirst(prefix.count)
            guard rest.count >= 2, let quote = rest.first, quote == "'" || quote == "\"", rest.last == quote else { return String(rest) }
            let inner = rest.dropFirst().dropLast()
            if quote == "'" { return inner.replacingOccurrences(of: #"'\''"#, with: "'") }
            // Inside double quotes a backslash escapes only \ " $ and `.
            var text = ""
            var escaped = false
            for character in inner {
                if escaped {
                    if !"\\\"$`".contains(character) { text.append("\\") }
                    text.append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else {
                    text.append(character)
                }
            }
            return text
        }
        return command
    }
}
