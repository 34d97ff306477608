/// Reads an agent's output as it arrives and keeps an `AgentReport` up to date: the live cost a
/// budget checks, and at the end the run's session, tokens and outcome.
public struct AgentOutputParser: Sendable {
    public let format: AgentOutputFormat
    public let pricing: ModelPricing?

    private var reported = AgentReport()
    /// Bytes after the last newline: the start of a line still arriving.
    private var pending: [UInt8] = []
    private var lastCompleteLine: String?
    /// The last lines of a text format, for its result text.
    private var tail: [String] = []
    /// The last lines of any format, ANSI-stripped: where a CLI's own error line is found.
    public private(set) var recentLines: [String] = []
    private var claude = ClaudeStreamReader()
    private var codex = CodexEventReader()
    private var aider = AiderTextReader()

    static let tailLines = 20
    /// A line still arriving longer than this is output, not a prompt waiting for an answer.
    static let promptLength = 4_096

    public init(format: AgentOutputFormat, pricing: ModelPricing? = nil) {
        self.format = format
        self.pricing = pricing
    }

    /// Raw bytes from the agent's pseudo-terminal; lines may be split anywhere across calls.
    public mutating func consume(_ bytes: [UInt8]) {
        // Only the new bytes can hold a newline not yet seen.
        var searchFrom = pending.count
        pending.append(contentsOf: bytes)
        var lineStart = 0
        while let newline = pending[searchFrom...].firstIndex(of: UInt8(ascii: "\n")) {
            read(TerminalText.clean(pending[lineStart..<newline]))
            lineStart = newline + 1
            searchFrom = lineStart
        }
        if lineStart > 0 { pending.removeFirst(lineStart) }
    }

    /// What is known so far (live cost for budgets).
    public var report: AgentReport {
        var report = reported
        if report.costUSD == nil, let pricing, sawUsage {
            report.costUSD = pricing.cost(inputTokens: report.inputTokens, outputTokens: report.outputTokens, cachedTokens: report.cachedTokens)
        }
        return report
    }

    /// The last non-empty line seen, ANSI-stripped, including a line still arriving (a prompt
    /// such as "Proceed? [y/N] " has no newline): for needs-input detection and handoff tails.
    public var lastLine: String? {
        if !pending.isEmpty, pending.count <= Self.promptLength {
            let partial = TerminalText.clean(pending)
            if !partial.allSatisfy(\.isWhitespace) { return partial }
        }
        return lastCompleteLine
    }

    /// Completes the report at the end of the run (a partial last line is parsed).
    public mutating func finish() -> AgentReport {
        if !pending.isEmpty {
            read(TerminalText.clean(pending))
            pending = []
        }
        switch format {
        case .claudeStreamJSON: claude.finish(&reported)
        case .aiderText, .plain: if reported.resultText == nil, !tail.isEmpty { reported.resultText = tail.joined(separator: "\n") }
        case .codexJSON: break
        }
        return report
    }

    /// The agent reported tokens or a cost: it reached its model.
    public var usedModel: Bool { sawUsage || reported.costUSD != nil }

    private var sawUsage: Bool {
        switch format {
        case .claudeStreamJSON: claude.sawUsage
        case .codexJSON: codex.hasUsage
        case .aiderText: aider.hasUsage
        case .plain: false
        }
    }

    private mutating func read(_ line: String) {
        guard !line.allSatisfy(\.isWhitespace) else { return }
        lastCompleteLine = line
        recentLines.append(line.count > 500 ? String(line.prefix(500)) : line)
        if recentLines.count > 12 { recentLines.removeFirst() }
        switch format {
        case .claudeStreamJSON: _ = claude.read(line, into: &reported)
        case .codexJSON: _ = codex.read(line, into: &reported)
        case .aiderText: if !aider.read(line, into: &reported) { remember(line) }
        case .plain: remember(line)
        }
    }

    private mutating func remember(_ line: String) {
        tail.append(line)
        if tail.count > Self.tailLines { tail.removeFirst(tail.count - Self.tailLines) }
    }
}
