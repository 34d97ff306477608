import OrchCatalog

/// Claude Code's stream-json events as transcript lines (see TranscriptRenderer): the init event
/// as one line, the assistant's text, one line per tool call, each tool result shortened, and the
/// result event as the run's outcome, cost and tokens.
struct ClaudeTranscript: Sendable {
    mutating func render(_ event: JSONValue, _ style: TranscriptStyle) -> [String] {
        var style = style
        if style.directory == nil { style.directory = directory }
        let type = event.field("type")?.text ?? "?"
        switch type {
        case "system":
            return [system(event, style)]
        case "assistant":
            guard let blocks = event.field("message")?.field("content")?.elements else { return [] }
            var lines = blocks.flatMap { assistant($0, style) }
            // A failed API call comes back as an assistant message flagged with an error.
            if let error = event.field("error")?.text { lines = lines.map { style.error(TranscriptStyle.plain($0)) } + [style.error("error: \(error)")] }
            return lines
        case "user":
            // Tool results; a string content is our own prompt, echoed on a resume.
            guard let blocks = event.field("message")?.field("content")?.elements else { return [] }
            return blocks.flatMap { block -> [String] in
                guard block.field("type")?.text == "tool_result" else { return [] }
                return style.result(Self.text(of: block.field("content")), isError: block.field("is_error")?.flag ?? false)
            }
        case "result":
            return result(event, style)
        case "stream_event":
            // Partial messages (--include-partial-messages): the whole message follows.
            return []
        default:
            return [style.muted("(\(type) event)")]
        }
    }

    /// The init event's working directory, when the renderer was given none.
    private var directory: String?

    private mutating func system(_ event: JSONValue, _ style: TranscriptStyle) -> String {
        let subtype = event.field("subtype")?.text ?? "?"
        guard subtype == "init" else {
            return style.muted("(\(subtype)" + (event.field("message")?.text.map { ": " + TranscriptStyle.clip($0, 120) } ?? "") + ")")
        }
        directory = event.field("cwd")?.text
        var parts = ["claude"]
        if let version = event.field("claude_code_version")?.text { parts[0] += " " + version }
        if let model = event.field("model")?.text { parts.append(model) }
        if let session = event.field("session_id")?.text { parts.append("session " + String(session.prefix(8))) }
        if let tools = event.field("tools")?.elements { parts.append("\(tools.count) tools") }
        let servers = (event.field("mcp_servers")?.elements ?? []).compactMap { server -> String? in
            guard let name = server.field("name")?.text else { return nil }
            return name + (server.field("status")?.text.map { " (\($0))" } ?? "")
        }
        if !servers.isEmpty { parts.append("MCP: " + servers.joined(separator: ", ")) }
        return style.muted(parts.joined(separator: " · "))
    }

    private func assistant(_ block: JSONValue, _ style: TranscriptStyle) -> [String] {
        switch block.field("type")?.text {
        case "text":
            let text = block.field("text")?.text ?? ""
            return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).trimmingBlankEnds()
        case "thinking":
            let text = block.field("thinking")?.text ?? ""
            return text.isEmpty ? [] : [style.muted("(thinking) " + TranscriptStyle.clip(text, 100))]
        case "redacted_thinking":
            return [style.muted("(thinking)")]
        case "tool_use":
            return [toolCall(block.field("name")?.text ?? "tool", block.field("input"), style)]
        case let other:
            return [style.muted("(\(other ?? "unknown") block)")]
        }
    }

    /// `Bash: mkdir -p notes && ...`, `Edit notes/a.txt`, `Grep "TODO" in src`, ...
    func toolCall(_ name: String, _ input: JSONValue?, _ style: TranscriptStyle) -> String {
        let string = { (key: String) in input?.field(key)?.text }
        let path = { (key: String) in string(key).map { style.relative($0) } }
        switch name {
        case "Bash":
            return style.call("Bash:", TranscriptStyle.clip(string("command") ?? "", 100))
        case "Read", "Write", "Edit", "MultiEdit":
            return style.call(name, path("file_path"))
        case "NotebookEdit":
            return style.call(name, path("notebook_path"))
        case "Grep":
            let pattern = string("pattern").map { "\"\(TranscriptStyle.clip($0, 60))\"" }
            let place = path("path").map { " in " + $0 } ?? ""
            return style.call(name, (pattern ?? "") + place)
        case "Glob":
            return style.call(name, string("pattern"))
        case "WebFetch":
            return style.call(name, string("url"))
        case "WebSearch":
            return style.call(name, string("query"))
        case "Task", "Agent":
            return style.call(name + ":", string("description").map { TranscriptStyle.clip($0, 100) })
        case "TodoWrite":
            let todos = input?.field("todos")?.elements ?? []
            let done = todos.filter { $0.field("status")?.text == "completed" }.count
            return style.call(name, "(\(todos.count) items, \(done) done)")
        default:
            // mcp__server__tool reads as server.tool; any other tool shows its first text argument.
            var shown = name
            let rest = name.dropFirst(5)
            if name.hasPrefix("mcp__"), let split = rest.firstRange(of: "__") {
                shown = String(rest[..<split.lowerBound]) + "." + String(rest[split.upperBound...])
            }
            return style.call(shown, Self.arguments(input))
        }
    }

    /// `key=value` pairs of an input's simple fields, shortened.
    static func arguments(_ input: JSONValue?) -> String? {
        guard case .object(let fields) = input, !fields.isEmpty else { return nil }
        let pairs = fields.keys.sorted().compactMap { key -> String? in
            switch fields[key] {
            case .string(let value): "\(key)=\(TranscriptStyle.clip(value, 40))"
            case .number(let value): "\(key)=\(value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value))"
            case .bool(let value): "\(key)=\(value)"
            default: nil
            }
        }
        return pairs.isEmpty ? nil : TranscriptStyle.clip(pairs.joined(separator: " "), 100)
    }

    private func result(_ event: JSONValue, _ style: TranscriptStyle) -> [String] {
        let subtype = event.field("subtype")?.text ?? ""
        let failed = event.field("is_error")?.flag ?? subtype.hasPrefix("error")
        let usage = event.field("usage")
        let count = { (key: String) in usage?.field(key)?.count ?? 0 }
        var summary: [String] = []
        if let turns = event.field("num_turns")?.count { summary.append("\(turns) turn" + (turns == 1 ? "" : "s")) }
        if let milliseconds = event.field("duration_ms")?.double { summary.append(Self.seconds(milliseconds / 1000)) }
        let spent = TranscriptStyle.usage(
            cost: event.field("total_cost_usd")?.double ?? event.field("cost_usd")?.double,
            input: count("input_tokens"), cached: count("cache_creation_input_tokens") + count("cache_read_input_tokens"),
            output: count("output_tokens"))
        guard failed else { return [style.strong("✔ done") + style.accent(" (" + (summary + [spent]).joined(separator: ", ") + ")")] }
        let errors = event.field("errors")?.elements?.compactMap(\.text) ?? []
        let reason = event.field("result")?.text.flatMap { $0.isEmpty ? nil : $0 } ?? errors.first ?? subtype
        return [style.error("✘ failed: " + TranscriptStyle.clip(reason.isEmpty ? "error" : reason, 200)),
                style.accent("  (" + (summary + [spent]).joined(separator: ", ") + ")")]
    }

    static func seconds(_ value: Double) -> String {
        value < 60 ? "\((value * 10).rounded() / 10)s" : "\(Int(value) / 60)m \(Int(value) % 60)s"
    }

    /// A tool result's content: a string, or text blocks (images are named, not shown).
    static func text(of content: JSONValue?) -> String {
        if let text = content?.text { return text }
        return (content?.elements ?? []).map { block in
            block.field("text")?.text ?? "(\(block.field("type")?.text ?? "content"))"
        }.joined(separator: "\n")
    }
}

extension [String] {
    /// Without blank lines at either end.
    func trimmingBlankEnds() -> [String] {
        var lines = self[...]
        while lines.first?.allSatisfy(\.isWhitespace) == true { lines.removeFirst() }
        while lines.last?.allSatisfy(\.isWhitespace) == true { lines.removeLast() }
        return Array(lines)
    }
}
