import FoundationEssentials
public import OrchModel

/// `git orch task import`: JSON lines, one task per line, read as one all-or-nothing operation.
///
///     {"ref": "schema", "title": "Design the schema", "role": "database-dev", "priority": 2}
///     {"title": "Write the API", "after": ["schema", "3f2a91"], "labels": ["api"]}
///
/// `after` names `ref`s of earlier lines or ids (or unique prefixes) of tasks already in the graph.
public enum TaskImport {
    public struct Line: Sendable, Equatable {
        public var number: Int
        public var ref: String?
        public var title: String
        public var body: String
        public var role: String?
        public var priority: Int
        public var after: [String]
        public var labels: [String]
        public var files: [String]
    }

    static let knownKeys: Set<String> = ["ref", "title", "body", "role", "priority", "after", "labels", "files"]

    /// Parses the text; errors name `source` and the line number.
    public static func parse(_ text: String, source: String) throws(StoreError) -> [Line] {
        try parse(Array(text.utf8), source: source)
    }

    /// Parses raw bytes: lines end in LF or CRLF, and each must be valid UTF-8.
    public static func parse(_ bytes: [UInt8], source: String) throws(StoreError) -> [Line] {
        var lines: [Line] = []
        for (index, rawLine) in bytes.split(separator: 0x0a, omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            func fail(_ message: String) -> StoreError { .invalidInput("\(source):\(number): \(message)") }
            guard let text = String(validating: rawLine, as: UTF8.self) else { throw fail("not valid UTF-8") }
            let content = text[...].trimmingWhitespace()
            guard !content.isEmpty else { continue }
            let record: Record
            do {
                record = try JSONDecoder().decode(Record.self, from: Data(content.utf8))
            } catch {
                throw fail(TaskFile.describe(error))
            }
            if let unknown = record.keys.first(where: { !knownKeys.contains($0) }) {
                throw fail("unknown field '\(FieldRules.printable(unknown))' (known: \(knownKeys.sorted().joined(separator: ", ")))")
            }
            let line = Line(
                number: number, ref: record.ref, title: record.title, body: record.body ?? "", role: record.role,
                priority: record.priority ?? 0, after: record.after ?? [], labels: record.labels ?? [], files: record.files ?? [])
            do {
                try FieldRules.validateNewTask(
                    title: line.title, body: line.body, priority: line.priority, role: line.role, labels: line.labels, files: line.files)
            } catch {
                throw fail(error.description)
            }
            if let ref = line.ref, lines.contains(where: { $0.ref == ref }) {
                throw fail("ref '\(FieldRules.printable(ref))' is used by an earlier line")
            }
            lines.append(line)
        }
        guard !lines.isEmpty else { throw .invalidInput("\(source): no tasks to import") }
        return lines
    }

    /// Turns parsed lines into tasks for `graph`: fresh ids, `after` resolved, creation times one
    /// microsecond apart so that claim order among equals follows the file.
    public static func tasks(
        from lines: [Line], source: String, graph: TaskGraph, start: Timestamp,
        makeID: (String, Timestamp) throws(StoreError) -> TaskID
    ) throws(StoreError) -> [Task] {
        var idsByRef: [String: TaskID] = [:]
        var tasks: [Task] = []
        for (offset, line) in lines.enumerated() {
            let created = start.adding(microseconds: Int64(offset))
            let id = try makeID(line.title, created)
            var deps: [TaskID] = []
            for name in line.after {
                if let id = idsByRef[name] {
                    deps.append(id)
                } else {
                    do {
                        deps.append(try graph.resolve(name))
                    } catch {
                        throw .invalidInput("\(source):\(line.number): after '\(FieldRules.printable(name))': not a ref of an earlier line, and \(error.description)")
                    }
                }
            }
            if let ref = line.ref { idsByRef[ref] = id }
            tasks.append(Task(
                id: id, title: line.title, body: line.body, role: line.role, priority: line.priority,
                deps: deps, labels: line.labels, files: line.files, created: created))
        }
        return tasks
    }

    private struct Record: Decodable {
        var keys: [String]
        var ref: String?
        var title: String
        var body: String?
        var role: String?
        var priority: Int?
        var after: [String]?
        var labels: [String]?
        var files: [String]?

        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: AnyKey.self)
            keys = container.allKeys.map(\.stringValue)
            func key(_ name: String) -> AnyKey { AnyKey(stringValue: name) }
            ref = try container.decodeIfPresent(String.self, forKey: key("ref"))
            title = try container.decode(String.self, forKey: key("title"))
            body = try container.decodeIfPresent(String.self, forKey: key("body"))
            role = try container.decodeIfPresent(String.self, forKey: key("role"))
            priority = try container.decodeIfPresent(Int.self, forKey: key("priority"))
            after = try container.decodeIfPresent([String].self, forKey: key("after"))
            labels = try container.decodeIfPresent([String].self, forKey: key("labels"))
            files = try container.decodeIfPresent([String].self, forKey: key("files"))
        }
    }
}

extension Substring {
    /// The text without leading and trailing whitespace (a `\r` left by CRLF files included).
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
