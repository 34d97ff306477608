import Foundation
import OrchCatalog

/// User presets in `.orch/agents.json`: `{"name": {preset fields}}`, the fields as in
/// `AgentPreset` (`command`, `prompt`, `output`, `newSession`, `resume`, `model`,
/// `inputPatterns`, `contextWindow`, `pricing`, `sandboxPaths`). Argument lists may be given as one string, split
/// like a shell splits words; `"resume": null` means the agent cannot resume. Fields fill in over
/// the built-in preset of the same name.
enum FilePresets {
    /// Preset name -> its fields. A missing file holds no presets.
    static func load(_ path: String?) throws(AgentPresetError) -> [String: PresetFields] {
        guard let path, FileManager.default.fileExists(atPath: path) else { return [:] }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) }
        catch { throw .unreadableFile(source: path, reason: error.localizedDescription) }
        let document: JSONValue
        do { document = try JSONValue.parse(data) }
        catch { throw invalidJSON(data, path: path) }
        guard case .object(let presets) = document else {
            throw .invalidJSON(source: path, line: nil, column: nil, reason: "expected an object of {\"agent name\": {fields}}")
        }
        var result: [String: PresetFields] = [:]
        for (name, value) in presets.sorted(by: { $0.key < $1.key }) {
            result[name] = try fields(value, source: "\(path) (agent \"\(name)\")", name: name)
        }
        return result
    }

    private static func fields(_ value: JSONValue, source: String, name: String) throws(AgentPresetError) -> PresetFields {
        guard case .object(let object) = value else {
            throw .invalidValue(source: source, field: name, value: kind(value), expected: "an object of preset fields")
        }
        var fields = PresetFields()
        for (field, value) in object.sorted(by: { $0.key < $1.key }) {
            switch field {
            case "name":
                guard case .string(name) = value else {
                    throw .invalidValue(source: source, field: field, value: describe(value), expected: "the agent's key, \"\(name)\"")
                }
            case "command": fields.command = try words(value, source: source, field: field)
            case "prompt": fields.prompt = try GitConfigPresets.enumValue(string(value, source: source, field: field), source: source, field: field)
            case "output": fields.output = try GitConfigPresets.enumValue(string(value, source: source, field: field), source: source, field: field)
            case "newSession": fields.newSession = try words(value, source: source, field: field)
            case "resume": fields.resume = .some(value == .null ? nil : try words(value, source: source, field: field))
            case "model": fields.model = try words(value, source: source, field: field)
            case "sandboxPaths": fields.sandboxPaths = try words(value, source: source, field: field)
            case "inputPatterns":
                if case .string(let pattern) = value { fields.inputPatterns = [pattern] }
                else { fields.inputPatterns = try strings(value, source: source, field: field) }
            case "contextWindow":
                if value == .null { fields.contextWindow = .some(nil); continue }
                guard case .number(let tokens) = value, tokens == tokens.rounded(), let count = Int(exactly: tokens) else {
                    throw .invalidValue(source: source, field: field, value: describe(value), expected: "a number of tokens")
                }
                fields.contextWindow = .some(count)
            case "pricing": fields.pricing = .some(try pricing(value, source: source))
            default: throw .unknownField(source: source, field: field)
            }
        }
        return fields
    }

    /// An argument list: an array of strings, or one string split like a shell splits words.
    private static func words(_ value: JSONValue, source: String, field: String) throws(AgentPresetError) -> [String] {
        if case .string(let line) = value { return try AgentPreset.splitWords(line, source: source, field: field) }
        return try strings(value, source: source, field: field)
    }

    private static func strings(_ value: JSONValue, source: String, field: String) throws(AgentPresetError) -> [String] {
        guard case .array(let items) = value else {
            throw .invalidValue(source: source, field: field, value: describe(value), expected: "an array of strings")
        }
        var result: [String] = []
        for item in items {
            guard case .string(let text) = item else {
                throw .invalidValue(source: source, field: field, value: describe(item), expected: "a string")
            }
            result.append(text)
        }
        return result
    }

    private static func string(_ value: JSONValue, source: String, field: String) throws(AgentPresetError) -> String {
        guard case .string(let text) = value else {
            throw .invalidValue(source: source, field: field, value: describe(value), expected: "a string")
        }
        return text
    }

    private static func pricing(_ value: JSONValue, source: String) throws(AgentPresetError) -> ModelPricing? {
        if value == .null { return nil }
        guard case .object(let object) = value else {
            throw .invalidValue(source: source, field: "pricing", value: describe(value), expected: "an object with inputPerMillion and outputPerMillion")
        }
        let known = ["inputPerMillion", "outputPerMillion", "cachedInputPerMillion"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw .unknownField(source: source, field: "pricing.\(unknown)")
        }
        func price(_ key: String, required: Bool) throws(AgentPresetError) -> Double? {
            switch object[key] {
            case .number(let price)? where price >= 0: return price
            case nil where !required: return nil
            case let other: throw .invalidValue(
                source: source, field: "pricing.\(key)", value: other.map(describe) ?? "missing", expected: "a price in USD per million tokens")
            }
        }
        return ModelPricing(
            inputPerMillion: try price("inputPerMillion", required: true) ?? 0,
            outputPerMillion: try price("outputPerMillion", required: true) ?? 0,
            cachedInputPerMillion: try price("cachedInputPerMillion", required: false))
    }

    /// Foundation's parser says "around character N"; turn that into a line and column.
    private static func invalidJSON(_ data: Data, path: String) -> AgentPresetError {
        var reason = "not valid JSON"
        do { _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) }
        catch { reason = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? reason }
        guard let match = reason.range(of: #"character \d+"#, options: .regularExpression),
              let offset = Int(reason[match].dropFirst("character ".count)) else {
            return .invalidJSON(source: path, line: nil, column: nil, reason: reason)
        }
        let before = data.prefix(offset)
        let line = before.count(where: { $0 == UInt8(ascii: "\n") }) + 1
        let column = offset - (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0) + 1
        return .invalidJSON(source: path, line: line, column: column, reason: reason)
    }

    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .bool(let flag): String(flag)
        default: kind(value)
        }
    }

    private static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
