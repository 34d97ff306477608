/// A preset that cannot be used. `source` names where it came from (`--agent`, a git config key,
/// `.orch/agents.json` and the agent's name) so the user knows what to fix.
public enum AgentPresetError: Error, Sendable, Equatable {
    case emptyCommand(source: String, field: String)
    /// Unbalanced quotes or a trailing backslash.
    case malformedCommand(source: String, field: String, reason: String)
    case unknownPlaceholder(source: String, field: String, placeholder: String)
    case invalidPattern(source: String, field: String, pattern: String)
    /// A value of the wrong kind or out of range.
    case invalidValue(source: String, field: String, value: String, expected: String)
    case unknownField(source: String, field: String)
    case invalidJSON(source: String, line: Int?, column: Int?, reason: String)
    case unreadableFile(source: String, reason: String)
    case unknownAgent(name: String, known: [String])
}

extension AgentPresetError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .emptyCommand(let source, let field):
            "\(source): \(field) is empty: give the agent's executable and its arguments"
        case .malformedCommand(let source, let field, let reason):
            "\(source): \(field): \(reason)"
        case .unknownPlaceholder(let source, let field, let placeholder):
            "\(source): \(field): unknown placeholder {\(placeholder)} (known: "
                + AgentPlaceholder.allCases.map { "{\($0.rawValue)}" }.joined(separator: " ") + ")"
        case .invalidPattern(let source, let field, let pattern):
            "\(source): \(field): not a valid regular expression: \(pattern)"
        case .invalidValue(let source, let field, let value, let expected):
            "\(source): \(field): '\(value)' is not \(expected)"
        case .unknownField(let source, let field):
            "\(source): unknown field '\(field)' (known: \(PresetFields.names.joined(separator: ", ")))"
        case .invalidJSON(let source, let line, let column, let reason):
            if let line, let column { "\(source):\(line):\(column): invalid JSON: \(reason)" }
            else { "\(source): invalid JSON: \(reason)" }
        case .unreadableFile(let source, let reason):
            "\(source): cannot read: \(reason)"
        case .unknownAgent(let name, let known):
            "unknown agent '\(name)'; known agents: \(known.joined(separator: ", ")); "
                + "or give a command line such as \"mytool --yes {prompt_file}\""
        }
    }
}
