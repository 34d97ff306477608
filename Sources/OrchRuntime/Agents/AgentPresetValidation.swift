import Foundation

extension AgentPreset {
    /// Checks what would otherwise fail only when a worker runs the agent: an empty command,
    /// unknown placeholders, regexes that do not compile, nonsensical numbers.
    public func validated(source: String) throws(AgentPresetError) -> AgentPreset {
        if name.isEmpty { throw .invalidValue(source: source, field: "name", value: name, expected: "a non-empty name") }
        guard let executable = command.first, !executable.isEmpty else {
            throw .emptyCommand(source: source, field: "command")
        }
        let templates: [(String, [String])] = [
            ("command", command), ("newSession", newSession), ("resume", resume ?? []), ("model", model),
        ]
        for (field, arguments) in templates {
            for argument in arguments {
                for name in AgentPlaceholder.names(in: argument) where AgentPlaceholder(rawValue: name) == nil {
                    throw .unknownPlaceholder(source: source, field: field, placeholder: name)
                }
            }
        }
        for pattern in inputPatterns where (try? NSRegularExpression(pattern: pattern)) == nil {
            throw .invalidPattern(source: source, field: "inputPatterns", pattern: pattern)
        }
        if let contextWindow, contextWindow <= 0 {
            throw .invalidValue(source: source, field: "contextWindow", value: String(contextWindow), expected: "a positive number of tokens")
        }
        if let pricing {
            let prices = [pricing.inputPerMillion, pricing.outputPerMillion, pricing.cachedInputPerMillion ?? 0]
            if let bad = prices.first(where: { !$0.isFinite || $0 < 0 }) {
                throw .invalidValue(source: source, field: "pricing", value: String(bad), expected: "a price of zero or more")
            }
        }
        return self
    }

    /// Whether `line` (the last non-empty output line) says the agent is waiting for an answer.
    public func waitsForInput(lastLine line: String) -> Bool {
        let range = NSRange(line.startIndex..., in: line)
        // The patterns were checked by `validated` (an invalid one never matches).
        return inputPatterns.contains { pattern in
            (try? NSRegularExpression(pattern: pattern))?.firstMatch(in: line, range: range) != nil
        }
    }

    /// `--agent "cmd {prompt_file}"`: splits like a shell does words (single and double quotes,
    /// backslash), but never runs a shell and expands nothing. Rejects an empty command and
    /// unbalanced quotes. With no {prompt}/{prompt_file} placeholder the prompt goes on stdin.
    /// The line is the preset's name, so it resolves to the same preset again after a restart.
    public static func command(_ line: String) throws(AgentPresetError) -> AgentPreset {
        try command(line, source: "--agent", field: "command")
    }

    static func command(_ line: String, source: String, field: String) throws(AgentPresetError) -> AgentPreset {
        let words = try splitWords(line, source: source, field: field)
        guard !words.isEmpty else { throw .emptyCommand(source: source, field: field) }
        let prompt: PromptDelivery =
            words.contains { $0.contains("{prompt}") } ? .argument
            : words.contains { $0.contains("{prompt_file}") } ? .file : .stdin
        return try AgentPreset(
            name: line.trimmingCharacters(in: .whitespaces), command: words, prompt: prompt, output: .plain,
            inputPatterns: AgentPreset.genericInputPatterns
        ).validated(source: source)
    }

    static func splitWords(_ line: String, source: String, field: String) throws(AgentPresetError) -> [String] {
        do {
            return try CommandLineWords.split(line)
        } catch {
            throw .malformedCommand(source: source, field: field, reason: error.reason)
        }
    }
}
