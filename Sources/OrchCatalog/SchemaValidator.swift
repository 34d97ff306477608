import Foundation

/// Checks a JSON document against the subset of JSON Schema (draft 2020-12) that
/// `Skills/schema/skill.schema.json` uses: type, properties, required, additionalProperties,
/// items, enum, const, pattern, minLength, maxLength, minItems, maxItems, uniqueItems, oneOf,
/// anyOf, allOf and local `$ref`s. A keyword outside that subset is reported, never ignored, so
/// the schema cannot silently promise more than is checked. (No Swift JSON Schema library is
/// available to this project; a test checks this validator against Python's `jsonschema`.)
public struct SchemaValidator {
    public struct Violation: Sendable, Equatable, CustomStringConvertible {
        /// JSON path of the offending value, e.g. `handler.argv[0]`.
        public var path: String
        public var message: String
        public var description: String { path.isEmpty ? message : "\(path): \(message)" }
    }

    static let understood: Set<String> = [
        "$schema", "$id", "$defs", "$ref", "title", "description", "examples", "default", "$comment",
        "type", "properties", "required", "additionalProperties", "items", "enum", "const", "pattern",
        "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "oneOf", "anyOf", "allOf",
        "minimum", "maximum", "format",
    ]

    let root: JSONValue

    public init(schema: JSONValue) { root = schema }

    public func validate(_ value: JSONValue) -> [Violation] {
        var violations: [Violation] = []
        check(value, against: root, path: "", into: &violations)
        return violations
    }

    private func check(_ value: JSONValue, against schema: JSONValue, path: String, into out: inout [Violation]) {
        func fail(_ message: String) { out.append(Violation(path: path, message: message)) }
        if case .bool(let allowed) = schema {
            if !allowed { fail("is not allowed") }
            return
        }
        guard let rules = schema.object else { return }
        for key in rules.keys where !Self.understood.contains(key) { fail("schema keyword '\(key)' is not supported by git-orch's validator") }
        if let reference = rules["$ref"]?.string {
            guard let target = resolve(reference) else { return fail("schema reference '\(reference)' not found") }
            check(value, against: target, path: path, into: &out)
        }
        if let type = rules["type"] {
            let allowed = type.array?.compactMap(\.string) ?? [type.string ?? ""]
            let actual = value.typeName
            if !allowed.contains(actual) && !(actual == "integer" && allowed.contains("number")) {
                return fail("expected \(allowed.joined(separator: " or ")), found \(actual)")
            }
        }
        if let options = rules["enum"]?.array, !options.contains(value) {
            fail("must be one of \(options.compactMap(\.string).joined(separator: ", "))")
        }
        if let constant = rules["const"], constant != value { fail("must be \(constant.string ?? constant.typeName)") }
        if let text = value.string {
            if let pattern = rules["pattern"]?.string, text.range(of: pattern, options: .regularExpression) == nil {
                fail("'\(text.prefix(60))' does not match \(pattern)")
            }
            if let minimum = rules["minLength"]?.number, Double(text.count) < minimum { fail("shorter than \(Int(minimum)) characters") }
            if let maximum = rules["maxLength"]?.number, Double(text.count) > maximum { fail("longer than \(Int(maximum)) characters") }
        }
        if let number = value.number {
            if let minimum = rules["minimum"]?.number, number < minimum { fail("less than \(minimum)") }
            if let maximum = rules["maximum"]?.number, number > maximum { fail("more than \(maximum)") }
        }
        if let items = value.array {
            if let minimum = rules["minItems"]?.number, Double(items.count) < minimum { fail("needs at least \(Int(minimum)) items") }
            if let maximum = rules["maxItems"]?.number, Double(items.count) > maximum { fail("allows at most \(Int(maximum)) items") }
            if rules["uniqueItems"]?.bool == true, Set(items.map { "\($0)" }).count != items.count { fail("items must be unique") }
            if let itemSchema = rules["items"] {
                for (index, item) in items.enumerated() { check(item, against: itemSchema, path: "\(path)[\(index)]", into: &out) }
            }
        }
        if let fields = value.object {
            let properties = rules["properties"]?.object ?? [:]
            for name in rules["required"]?.array?.compactMap(\.string) ?? [] where fields[name] == nil {
                out.append(Violation(path: join(path, name), message: "is required"))
            }
            for (name, field) in fields.sorted(by: { $0.key < $1.key }) {
                if let propertySchema = properties[name] {
                    check(field, against: propertySchema, path: join(path, name), into: &out)
                } else if let additional = rules["additionalProperties"] {
                    if additional == .bool(false) {
                        out.append(Violation(path: join(path, name), message: "is not a known field"))
                    } else {
                        check(field, against: additional, path: join(path, name), into: &out)
                    }
                }
            }
        }
        if let all = rules["allOf"]?.array {
            for sub in all { check(value, against: sub, path: path, into: &out) }
        }
        if let any = rules["anyOf"]?.array, !any.contains(where: { passes(value, $0, path) }) {
            fail("matches none of the allowed forms")
        }
        if let one = rules["oneOf"]?.array {
            let matching = one.filter { passes(value, $0, path) }.count
            if matching != 1 { fail(matching == 0 ? "matches none of the allowed forms" : "matches more than one allowed form") }
        }
    }

    private func passes(_ value: JSONValue, _ schema: JSONValue, _ path: String) -> Bool {
        var scratch: [Violation] = []
        check(value, against: schema, path: path, into: &scratch)
        return scratch.isEmpty
    }

    /// `#/$defs/name` style references into this schema.
    private func resolve(_ reference: String) -> JSONValue? {
        guard reference.hasPrefix("#") else { return nil }
        var node = root
        for part in reference.dropFirst().split(separator: "/") {
            guard let next = node[String(part)] else { return nil }
            node = next
        }
        return node
    }

    private func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
}
