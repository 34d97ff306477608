import Foundation

/// User presets in git config, one key per field:
///
///     [orch "agent.mine"]                 # or: git config orch.agent.mine.command "..."
///         command = mytool --yes {prompt_file}    # split like a shell splits words, never run by one
///         prompt = file                   # argument | file | stdin (default: from the placeholders)
///         output = plain                  # claude-stream-json | codex-json | aider-text | plain
///         newSession = --session {session_id}
///         resume = --continue {session_id}   # empty: cannot resume
///         model = --model {model}
///         inputPattern = Continue\\?\\s*$    # one regex; use | for several
///         contextWindow = 200000
///         inputPrice = 3                  # USD per million tokens, for agents that print no cost
///         outputPrice = 15
///         cachedInputPrice = 0.3
///         sandboxPaths = ~/.mytool $MYTOOL_HOME   # its login and settings, writable in the sandbox
///
/// Keys fill in over the built-in preset of the same name, so `orch.agent.claude.model` alone
/// adjusts claude. Variable names are matched case-insensitively, as git does.
enum GitConfigPresets {
    static let prefix = "orch.agent."

    /// Preset name -> (variable, value, full key), from every `orch.agent.<name>.<variable>` key.
    static func entries(_ config: [String: String]) -> [String: [(variable: String, value: String, key: String)]] {
        var result: [String: [(variable: String, value: String, key: String)]] = [:]
        for (key, value) in config where key.lowercased().hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count)
            guard let dot = rest.lastIndex(of: "."), dot > rest.startIndex else { continue }
            let name = String(rest[..<dot])
            result[name, default: []].append((String(rest[rest.index(after: dot)...]), value, key))
        }
        return result
    }

    static func fields(_ entries: [(variable: String, value: String, key: String)]) throws(AgentPresetError) -> PresetFields {
        var fields = PresetFields()
        var inputPrice: (Double, String)?, outputPrice: (Double, String)?, cachedPrice: Double?
        // Sorted so that, of several faults, the same one is reported every time.
        for (variable, value, key) in entries.sorted(by: { $0.key < $1.key }) {
            let source = "git config \(key)"
            switch variable.lowercased() {
            case "command": fields.command = try AgentPreset.splitWords(value, source: source, field: "command")
            case "prompt": fields.prompt = try enumValue(value, source: source, field: "prompt")
            case "output": fields.output = try enumValue(value, source: source, field: "output")
            case "newsession": fields.newSession = try AgentPreset.splitWords(value, source: source, field: "newSession")
            case "resume":
                let words = try AgentPreset.splitWords(value, source: source, field: "resume")
                fields.resume = .some(words.isEmpty ? nil : words)
            case "model": fields.model = try AgentPreset.splitWords(value, source: source, field: "model")
            case "sandboxpaths": fields.sandboxPaths = try AgentPreset.splitWords(value, source: source, field: "sandboxPaths")
            case "inputpattern", "inputpatterns": fields.inputPatterns = [value]
            case "contextwindow":
                guard let tokens = Int(value.trimmingCharacters(in: .whitespaces)) else {
                    throw .invalidValue(source: source, field: "contextWindow", value: value, expected: "a number of tokens")
                }
                fields.contextWindow = .some(tokens)
            case "inputprice": inputPrice = (try price(value, source: source, field: "inputPrice"), source)
            case "outputprice": outputPrice = (try price(value, source: source, field: "outputPrice"), source)
            case "cachedinputprice": cachedPrice = try price(value, source: source, field: "cachedInputPrice")
            default: throw .unknownField(source: source, field: variable)
            }
        }
        if let (input, _) = inputPrice, let (output, _) = outputPrice {
            fields.pricing = .some(ModelPricing(inputPerMillion: input, outputPerMillion: output, cachedInputPerMillion: cachedPrice))
        } else if let (_, source) = inputPrice ?? outputPrice {
            throw .invalidValue(source: source, field: "pricing", value: "one price", expected: "both inputPrice and outputPrice")
        }
        return fields
    }

    static func enumValue<Value: RawRepresentable & CaseIterable>(
        _ text: String, source: String, field: String
    ) throws(AgentPresetError) -> Value where Value.RawValue == String {
        guard let value = Value(rawValue: text.trimmingCharacters(in: .whitespaces)) else {
            throw .invalidValue(
                source: source, field: field, value: text,
                expected: "one of " + Value.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return value
    }

    private static func price(_ text: String, source: String, field: String) throws(AgentPresetError) -> Double {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value >= 0 else {
            throw .invalidValue(source: source, field: field, value: text, expected: "a price in USD per million tokens")
        }
        return value
    }
}
