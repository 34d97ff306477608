import Foundation
public import OrchModel
import Yams

/// Turns `SKILL.md` skill folders (Markdown with `name` and `description` front matter, the
/// instructions below it) into git-orch manifests. The instructions become a prompt handler;
/// trigger examples come from the description's sentences and the document's headings.
public enum SkillImport {
    public struct Imported: Sendable {
        public var manifestJSON: String
        public var id: String
        public var category: String
        /// The SKILL.md it came from.
        public var source: String
    }

    public static let categories = ["git", "code", "testing", "build", "research", "docs", "database", "browser", "deploy", "security"]

    /// Every `SKILL.md` below `folder`, converted and checked against `schema`; throws the first
    /// problem (file and field) so that an import is all or nothing.
    public static func convert(folder: String, category explicit: String?, schema: JSONValue, existing: [String: Skill]) throws -> [Imported] {
        if let explicit, !categories.contains(explicit) {
            throw CatalogIssue(file: folder, field: "category", message: "'\(explicit)' is not one of \(categories.joined(separator: ", "))")
        }
        let paths = (FileManager.default.subpaths(atPath: folder) ?? []).filter { ($0 as NSString).lastPathComponent == "SKILL.md" }.sorted()
        guard !paths.isEmpty else { throw CatalogIssue(file: folder, field: nil, message: "no SKILL.md files found") }
        let validator = SchemaValidator(schema: schema)
        let selector = SkillSelector(skills: existing)
        var imported: [Imported] = []
        for relative in paths {
            let path = folder + "/" + relative
            let (mapping, body) = try FrontMatter.split(try String(contentsOfFile: path, encoding: .utf8), source: path)
            var fields: [String: String] = [:]
            for (key, value) in mapping { if let key = key.string, let value = value.string { fields[key] = value } }
            guard let name = fields["name"], !name.isEmpty else { throw CatalogIssue(file: path, field: "name", message: "is required") }
            guard let description = fields["description"], description.count >= 10 else {
                throw CatalogIssue(file: path, field: "description", message: "is required (a sentence or more)")
            }
            let id = slug(name)
            guard !id.isEmpty else { throw CatalogIssue(file: path, field: "name", message: "has no letters or digits to make an id from") }
            if imported.contains(where: { $0.id == id }) { throw CatalogIssue(file: path, field: "name", message: "gives the id '\(id)' twice") }
            let category = explicit ?? guessCategory(text: "\(name) \(description)", selector: selector, existing: existing)
            let sentences = description.split(whereSeparator: { ".!?\n".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.count > 8 }
            let headings = body.split(separator: "\n").filter { $0.hasPrefix("## ") }.map { String($0.dropFirst(3)).trimmingCharacters(in: .whitespaces) }
            var triggers = Array((sentences + headings).prefix(6))
            if triggers.count < 3 { triggers += ["Use the \(name) skill", "\(name)", description].prefix(3 - triggers.count) }
            let short = sentences.first.map { $0.count <= 80 ? $0 : String($0.prefix(77)) + "..." } ?? String(name.prefix(80))
            let tags = Array(Set(Tokenizer.terms("\(name) \(category)").filter { $0.count > 2 })).sorted().prefix(6)
            let manifest: [String: Any] = [
                "id": id, "name": name, "version": fields["version"] ?? "1.0.0", "description": description,
                "shortDescription": short, "triggerExamples": triggers, "tags": tags.isEmpty ? [category] : Array(tags),
                "category": category, "parameters": ["type": "object", "properties": [String: Any](), "additionalProperties": false],
                "requires": [String](), "conflicts": [String](), "enhancedBy": [String](), "sideEffects": [String](),
                "idempotent": false, "requiresConfirmation": false,
                "handler": ["type": "prompt", "instructions": body.trimmingCharacters(in: .whitespacesAndNewlines)],
            ]
            let data = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            if let violation = validator.validate(try JSONValue.parse(data)).first {
                throw CatalogIssue(file: path, field: violation.path, message: violation.message)
            }
            imported.append(Imported(manifestJSON: String(decoding: data, as: UTF8.self) + "\n", id: id, category: category, source: path))
        }
        return imported
    }

    /// The category whose existing skills match the text best (BM25), `code` when nothing matches.
    static func guessCategory(text: String, selector: SkillSelector, existing: [String: Skill]) -> String {
        var totals: [String: Double] = [:]
        for hit in selector.rank(text) { if let skill = existing[hit.id] { totals[skill.category, default: 0] += hit.score } }
        return totals.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key ?? "code"
    }

    static func slug(_ name: String) -> String {
        var out = ""
        for scalar in name.lowercased().unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) && scalar.isASCII { out.unicodeScalars.append(scalar) } else if !out.hasSuffix("-") && !out.isEmpty { out += "-" }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return String(out.prefix(64))
    }
}
