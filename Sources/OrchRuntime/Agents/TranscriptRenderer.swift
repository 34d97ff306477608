import OrchCatalog

/// Turns an agent's output into the transcript a person watches (`git orch logs`, the dashboard):
/// a structured stream (claude stream-json, codex `--json`) becomes the agent's text, one line per
/// tool call, abbreviated results, errors in red and the run's cost and tokens, in the worker's
/// colour; a text agent's output passes through as it is. Fed raw bytes as they arrive; returns
/// the bytes to show (lines end with CRLF, as on the agent's terminal). No JSON line gets through.
public struct TranscriptRenderer: Sendable {
    public let format: AgentOutputFormat
    private let style: TranscriptStyle
    private var pending: [UInt8] = []
    private var claude = ClaudeTranscript()
    private var codex = CodexTranscript()
    /// The last line shown, without colours (a failure's last words).
    public private(set) var lastLine: String?

    /// `workerHex` is the worker's colour ("#6366f1"); nil renders without colours. Paths under
    /// `directory` (the worktree) are shown relative to it; `pricing` prices a run whose output
    /// has tokens but no cost.
    public init(format: AgentOutputFormat, workerHex: String? = nil, directory: String? = nil, pricing: ModelPricing? = nil) {
        self.format = format
        style = TranscriptStyle(workerHex: workerHex, directory: directory)
        codex.pricing = pricing
    }

    /// Whether the output is rendered, rather than shown as it comes.
    public var isStructured: Bool { format == .claudeStreamJSON || format == .codexJSON }

    /// Raw bytes from the agent; lines may be split anywhere across calls.
    public mutating func consume(_ bytes: [UInt8]) -> [UInt8] {
        guard isStructured else { return bytes }
        var searchFrom = pending.count
        pending.append(contentsOf: bytes)
        var lineStart = 0
        var shown: [String] = []
        while let newline = pending[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
            shown += render(TerminalText.clean(pending[lineStart..<newline]))
            lineStart = newline + 1
            searchFrom = lineStart
        }
        if lineStart > 0 { pending.removeFirst(lineStart) }
        return encode(shown)
    }

    /// The rest at the end of the run (a last line without a newline).
    public mutating func finish() -> [UInt8] {
        guard isStructured, !pending.isEmpty else { return [] }
        let shown = render(TerminalText.clean(pending))
        pending = []
        return encode(shown)
    }

    /// The transcript lines for one line of output (tests read these).
    public mutating func render(_ line: String) -> [String] {
        guard !line.allSatisfy(\.isWhitespace) else { return [] }
        let lines: [String]
        let start = line.first { !$0.isWhitespace }
        if start == "{" || start == "[" {
            if let event = JSONLine.object(line) {
                lines = format == .codexJSON ? codex.render(event, style) : claude.render(event, style)
            } else {
                // Cut short or garbled: its size only (`git orch logs --raw` has it whole).
                lines = [style.muted("(unreadable output line, \(line.utf8.count) bytes)")]
            }
        } else {
            // Warnings and prompts around the events are text to read as they are.
            lines = [line]
        }
        if let last = lines.last { lastLine = TranscriptStyle.plain(last) }
        return lines
    }

    private func encode(_ lines: [String]) -> [UInt8] {
        Array(lines.map { $0 + "\r\n" }.joined().utf8)
    }
}

/// Colours and the shortening of long text in a transcript.
struct TranscriptStyle: Sendable {
    /// The worker's colour as an ANSI 24-bit foreground, or nil for no colours.
    let worker: String?
    var directory: String?

    init(workerHex: String?, directory: String? = nil) {
        self.directory = directory
        if let hex = workerHex, hex.hasPrefix("#"), hex.count == 7, let value = Int(hex.dropFirst(), radix: 16) {
            worker = "\u{1b}[38;2;\(value >> 16);\((value >> 8) & 0xff);\(value & 0xff)m"
        } else {
            worker = nil
        }
    }

    var colored: Bool { worker != nil }
    private func wrap(_ code: String, _ text: String) -> String { colored ? code + text + "\u{1b}[0m" : text }

    func accent(_ text: String) -> String { wrap(worker ?? "", text) }
    func strong(_ text: String) -> String { wrap("\u{1b}[1m" + (worker ?? ""), text) }
    func muted(_ text: String) -> String { wrap("\u{1b}[2m", text) }
    func error(_ text: String) -> String { wrap("\u{1b}[31m", text) }

    /// A tool call: its name in the worker's colour, then what it acts on.
    func call(_ name: String, _ detail: String?) -> String {
        guard let detail, !detail.isEmpty else { return strong(name) }
        return strong(name) + " " + detail
    }

    /// A result, shortened to its first lines and "(+N lines)", under the call it answers.
    func result(_ text: String, isError: Bool, keep: Int = 2) -> [String] {
        // Command output may carry its own colours and carriage returns: shown as a terminal would.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { TranscriptStyle.clip(Self.plain(String($0)), 160) }
        while lines.last?.allSatisfy(\.isWhitespace) == true { lines.removeLast() }
        if lines.isEmpty { return isError ? [error("  ⎿ (failed, no output)")] : [] }
        let shown = lines.prefix(keep).enumerated().map { index, line in (index == 0 ? "  ⎿ " : "    ") + line }
        var out = shown.map { isError ? error($0) : muted($0) }
        if lines.count > keep { out.append(muted("    (+\(lines.count - keep) lines)")) }
        return out
    }

    /// `path` relative to the worktree when it is inside it.
    func relative(_ path: String) -> String {
        guard let directory, !directory.isEmpty else { return path }
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
    }

    /// What a run cost and used, for its last line.
    static func usage(cost: Double?, estimated: Bool = false, input: Int, cached: Int, output: Int) -> String {
        var parts: [String] = []
        if let cost { parts.append((estimated ? "~" : "") + dollars(cost)) }
        var tokens = "tokens: \(Self.tokens(input)) in"
        if cached > 0 { tokens += " + \(Self.tokens(cached)) cached" }
        tokens += ", \(Self.tokens(output)) out"
        parts.append(tokens)
        return parts.joined(separator: ", ")
    }

    /// "12.3k" for large counts.
    static func tokens(_ count: Int) -> String {
        if count < 1_000 { return "\(count)" }
        if count < 1_000_000 { return trimmed(Double(count) / 1_000) + "k" }
        return trimmed(Double(count) / 1_000_000) + "M"
    }

    private static func trimmed(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? "\(Int(tenths))" : "\(tenths)"
    }

    static func dollars(_ value: Double) -> String {
        let cents = (value * 10_000).rounded() / 10_000
        var text = "\(cents)"
        if let dot = text.firstIndex(of: ".") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < 2 { text += String(repeating: "0", count: 2 - decimals) }
        }
        return "$" + text
    }

    /// The first line of `text`, at most `limit` characters, "..." where cut.
    static func clip(_ text: String, _ limit: Int) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true)
        let first = lines.first.map(String.init) ?? ""
        let cut = first.count > limit || lines.count > 1
        return cut ? String(first.prefix(limit)) + " ..." : first
    }

    /// `text` without ANSI sequences.
    static func plain(_ text: String) -> String { TerminalText.clean(Array(text.utf8)) }
}
