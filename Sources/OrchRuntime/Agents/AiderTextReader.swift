import Foundation

/// aider's plain text. After each message it prints
/// `Tokens: 2.3k sent, 1.1k cache write, 12k cache hit, 150 received. Cost: $0.0012 message, $0.0040 session.`
/// (cache parts only when present; the cost part only when it knows the model's price, and
/// sometimes on its own line). Counts are rounded (`format_tokens`); "sent" includes cache
/// writes. The session cost is the whole run's, as each run is a new aider process.
struct AiderTextReader: Sendable {
    private static let tokens = try! NSRegularExpression(
        pattern: #"Tokens: ([\d.]+[kM]?) sent(?:, ([\d.]+[kM]?) cache write)?(?:, ([\d.]+[kM]?) cache hit)?, ([\d.]+[kM]?) received\."#)
    private static let cost = try! NSRegularExpression(pattern: #"Cost: \$([\d.]+) message, \$([\d.]+) session\."#)

    private var sawTokens = false

    mutating func read(_ line: String, into report: inout AgentReport) -> Bool {
        var matched = false
        let range = NSRange(line.startIndex..., in: line)
        if let match = Self.tokens.firstMatch(in: line, range: range) {
            let group = { (index: Int) in Range(match.range(at: index), in: line).map { Self.count(String(line[$0])) } ?? 0 }
            let sent = group(1), written = group(2), hit = group(3)
            report.inputTokens += max(0, sent - written)
            report.cachedTokens += written + hit
            report.outputTokens += group(4)
            report.contextTokens = sent + hit
            report.turns = (report.turns ?? 0) + 1
            sawTokens = true
            matched = true
        }
        if let match = Self.cost.firstMatch(in: line, range: range),
           let session = Range(match.range(at: 2), in: line).flatMap({ Double(line[$0]) }) {
            report.costUSD = session
            matched = true
        }
        return matched
    }

    var hasUsage: Bool { sawTokens }

    /// "2.3k" -> 2300, "12k" -> 12000, "1.2M" -> 1200000, "150" -> 150.
    static func count(_ text: String) -> Int {
        let scale: Double = text.hasSuffix("k") ? 1_000 : text.hasSuffix("M") ? 1_000_000 : 1
        let digits = scale == 1 ? Substring(text) : text.dropLast()
        return Int(((Double(digits) ?? 0) * scale).rounded())
    }
}
