import Foundation
import OrchModel
import Yams

/// `Roles/<id>.md`: YAML front matter between `---` lines, then the prompt.
enum RoleFile {
    static let keys: Set<String> = ["id", "title", "kind", "capabilities", "owns", "model_tier", "may_escalate", "skills_profile", "aliases"]

    static func parse(_ text: String, source: String) throws -> Role {
        func issue(_ field: String?, _ message: String) -> CatalogIssue { CatalogIssue(file: source, field: field, message: message) }
        let (mapping, body) = try FrontMatter.split(text, source: source)
        let prompt = body.trimmingCharacters(in: .whitespacesAndNewlines)
        for key in mapping.keys.compactMap(\.string) where !keys.contains(key) {
            throw issue(key, "unknown key (known: \(keys.sorted().joined(separator: ", ")))")
        }
        func string(_ key: String) throws -> String {
            guard let value = mapping[key]?.string, !value.isEmpty else { throw issue(key, "is required (text)") }
            return value
        }
        func list(_ key: String, required: Bool = true) throws -> [String] {
            guard let value = mapping[key] else {
                if required { throw issue(key, "is required (a list)") }
                return []
            }
            guard let items = value.sequence else { throw issue(key, "must be a list") }
            return try items.enumerated().map { index, item in
                guard let text = item.string else { throw issue("\(key)[\(index)]", "must be text") }
                return text
            }
        }
        let id = try string("id")
        let expected = URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
        do { try FieldRules.validateRole(id) } catch { throw issue("id", error.description) }
        guard id == expected else { throw issue("id", "'\(id)' differs from the file name '\(expected)'") }
        guard let kind = RoleKind(rawValue: try string("kind")) else { throw issue("kind", "must be code or coordination") }
        var capabilities: [Capability] = []
        for (index, name) in try list("capabilities").enumerated() {
            guard let capability = Capability(rawValue: name) else {
                throw issue("capabilities[\(index)]", "unknown capability '\(name)' (known: \(Capability.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            capabilities.append(capability)
        }
        guard let tier = ModelTier(rawValue: try string("model_tier")) else { throw issue("model_tier", "must be cheap, balanced or strong") }
        var mayEscalate = false
        if let value = mapping["may_escalate"] {
            guard let flag = value.bool else { throw issue("may_escalate", "must be true or false") }
            mayEscalate = flag
        }
        guard prompt.count >= 200 else { throw issue("prompt", "the prompt after the front matter is missing or too short") }
        return Role(
            id: id, title: try string("title"), kind: kind, capabilities: capabilities, owns: try list("owns"),
            modelTier: tier, mayEscalate: mayEscalate, skillsProfile: try string("skills_profile"),
            aliases: try list("aliases", required: false), prompt: prompt, source: source)
    }
}

/// Markdown files that open with YAML front matter between `---` lines (roles, SKILL.md).
enum FrontMatter {
    static func split(_ text: String, source: String) throws -> (Node.Mapping, String) {
        func issue(_ message: String) -> CatalogIssue { CatalogIssue(file: source, field: nil, message: message) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first.map({ $0.trimmingCharacters(in: .whitespaces) }) == "---",
              let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" })
        else { throw issue("must start with YAML front matter between '---' lines") }
        let node: Node?
        do {
            node = try Yams.compose(yaml: lines[1..<end].joined(separator: "\n"))
        } catch {
            throw issue("front matter is not valid YAML: \(error)".replacingOccurrences(of: "\n", with: " "))
        }
        guard let mapping = node?.mapping else { throw issue("front matter must be a mapping of keys to values") }
        return (mapping, lines[(end + 1)...].joined(separator: "\n"))
    }
}

/// `Missions/<id>.json`.
enum MissionFile {
    private struct Record: Decodable {
        var id: String
        var title: String
        var description: String
        var team: [Mission.Member]
        var maxConcurrency: Int
        var budgetUSD: Double
        var models: [String: String]
        var testCommand: String
        var startingTasks: [Mission.StartingTask]
        var setupCommand: String?
        var copyFiles: [String]?
        var portRange: Int?
    }

    static let keys: Set<String> = [
        "id", "title", "description", "team", "maxConcurrency", "budgetUSD", "models", "testCommand", "startingTasks",
        "setupCommand", "copyFiles", "portRange",
    ]
    static let taskKeys: Set<String> = ["ref", "title", "role", "priority", "after", "body"]

    static func parse(_ data: Data, source: String) throws -> Mission {
        // A misspelt key ("afer") must not be dropped silently.
        if let json = try? JSONValue.parse(data) {
            for key in json.object?.keys.sorted() ?? [] where !keys.contains(key) {
                throw CatalogIssue(file: source, field: key, message: "unknown key (known: \(keys.sorted().joined(separator: ", ")))")
            }
            for (index, task) in (json["startingTasks"]?.array ?? []).enumerated() {
                for key in task.object?.keys.sorted() ?? [] where !taskKeys.contains(key) {
                    throw CatalogIssue(file: source, field: "startingTasks[\(index)].\(key)", message: "unknown key (known: \(taskKeys.sorted().joined(separator: ", ")))")
                }
            }
        }
        let record: Record
        do {
            record = try JSONDecoder().decode(Record.self, from: data)
        } catch let error as DecodingError {
            throw CatalogIssue(file: source, field: fieldPath(error), message: decodingMessage(error))
        }
        let expected = URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
        guard record.id == expected else { throw CatalogIssue(file: source, field: "id", message: "'\(record.id)' differs from the file name '\(expected)'") }
        var models: [String: ModelTier] = [:]
        for (role, name) in record.models {
            guard let tier = ModelTier(rawValue: name) else { throw CatalogIssue(file: source, field: "models.\(role)", message: "must be cheap, balanced or strong") }
            models[role] = tier
        }
        var mission = Mission(
            id: record.id, title: record.title, description: record.description, team: record.team,
            maxConcurrency: record.maxConcurrency, budgetUSD: record.budgetUSD, models: models,
            testCommand: record.testCommand, startingTasks: record.startingTasks, source: source)
        mission.setupCommand = record.setupCommand
        mission.copyFiles = record.copyFiles ?? []
        mission.portRange = record.portRange
        return mission
    }
}

/// `Skills/<category>/<id>.skill.json`, checked against the schema first.
enum SkillFile {
    static func parse(_ data: Data, source: String, validator: SchemaValidator) throws -> Skill {
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch { throw CatalogIssue(file: source, field: nil, message: "not valid JSON") }
        if let first = validator.validate(json).first {
            throw CatalogIssue(file: source, field: first.path.isEmpty ? nil : first.path, message: first.message)
        }
        // The schema guarantees the shapes read below.
        func text(_ key: String) -> String { json[key]?.string ?? "" }
        func texts(_ key: String) -> [String] { json[key]?.array?.compactMap(\.string) ?? [] }
        let id = text("id")
        let url = URL(fileURLWithPath: source)
        let expected = String(url.lastPathComponent.dropLast(".skill.json".count))
        guard id == expected else { throw CatalogIssue(file: source, field: "id", message: "'\(id)' differs from the file name '\(expected)'") }
        let folder = url.deletingLastPathComponent().lastPathComponent
        guard text("category") == folder else {
            throw CatalogIssue(file: source, field: "category", message: "'\(text("category"))' differs from the folder '\(folder)'")
        }
        let handlerValue = json["handler"]
        let handler: Skill.Handler = handlerValue?["type"]?.string == "command"
            ? .command(handlerValue?["argv"]?.array?.compactMap(\.string) ?? [])
            : .prompt(handlerValue?["instructions"]?.string ?? "")
        return Skill(
            id: id, name: text("name"), version: text("version"), description: text("description"),
            shortDescription: text("shortDescription"), triggerExamples: texts("triggerExamples"), tags: texts("tags"),
            category: text("category"), requires: texts("requires"), conflicts: texts("conflicts"),
            enhancedBy: texts("enhancedBy"), sideEffects: texts("sideEffects"), idempotent: json["idempotent"]?.bool ?? false,
            requiresConfirmation: json["requiresConfirmation"]?.bool ?? false, handler: handler, source: source)
    }
}

func fieldPath(_ error: DecodingError) -> String? {
    let path: [any CodingKey]
    switch error {
    case .keyNotFound(let key, let context): path = context.codingPath + [key]
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): path = context.codingPath
    @unknown default: return nil
    }
    guard !path.isEmpty else { return nil }
    return path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
}

func decodingMessage(_ error: DecodingError) -> String {
    switch error {
    case .keyNotFound: "is required"
    case .typeMismatch(let type, _): "must be \(type == String.self ? "text" : type == Int.self ? "an integer" : type == Double.self ? "a number" : "\(type)")"
    case .valueNotFound: "must not be null"
    case .dataCorrupted: "not valid JSON"
    @unknown default: "cannot be read"
    }
}
