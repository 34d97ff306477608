import FoundationEssentials
public import OrchModel

/// Reads and writes task files (`tasks/<fan-out>/<id>.json`) and the graph's `meta.json`.
public enum TaskFile {
    /// The graph format this build writes and understands. History:
    /// 1 — tasks/<2 hex>/<16 hex>.json, canonical JSON, meta.json {"format": 1}.
    /// 2 — task files gain "clock" (Lamport) and "epoch" (releases), used to merge clones;
    ///     format 1 graphs are read with both at 0 and upgraded by the next write.
    public static let formatVersion = 2

    public static func path(of id: TaskID) -> String { "tasks/\(id.fanOut)/\(id.hex).json" }

    public static func encode(_ task: Task) -> [UInt8] { TaskJSON.encode(task, pretty: true) }

    /// Decodes a task file; `path` names it in errors.
    public static func decode(_ bytes: [UInt8], path: String) throws(StoreError) -> Task {
        let record: Record
        do {
            record = try JSONDecoder().decode(Record.self, from: Data(bytes))
        } catch {
            throw .corruptEntry(path: path, reason: "not a valid task file (\(describe(error)))")
        }
        func fail(_ reason: String) -> StoreError { .corruptEntry(path: path, reason: reason) }
        guard let id = TaskID(record.id) else { throw fail("bad id '\(FieldRules.printable(record.id))'") }
        guard let status = TaskStatus(rawValue: record.status) else {
            throw fail("unknown status '\(FieldRules.printable(record.status))'")
        }
        guard let created = Timestamp(iso8601: record.created) else { throw fail("bad created time") }
        let priority = record.priority ?? 0
        guard FieldRules.priorityRange.contains(priority) else { throw fail("priority \(priority) is out of range") }
        let attempts = record.attempts ?? 0
        guard (0...1_000_000).contains(attempts) else { throw fail("attempts \(attempts) is out of range") }
        let clock = record.clock ?? 0, epoch = record.epoch ?? 0
        guard clock >= 0, epoch >= 0, epoch <= 1_000_000 else { throw fail("clock or epoch is out of range") }
        var updated = created
        if let text = record.updated {
            guard let parsed = Timestamp(iso8601: text) else { throw fail("bad updated time") }
            updated = parsed
        }
        var deps: [TaskID] = []
        for text in record.deps ?? [] {
            guard let dep = TaskID(text) else { throw fail("bad dependency id '\(FieldRules.printable(text))'") }
            deps.append(dep)
        }
        return Task(
            id: id, title: record.title, body: record.body ?? "", status: status, role: record.role,
            priority: priority, deps: deps, assignee: record.assignee, attempts: attempts,
            labels: record.labels ?? [], files: record.files ?? [], failureReason: record.failure,
            created: created, updated: updated, clock: clock, epoch: epoch)
    }

    public static func encodeMeta() -> [UInt8] { Array("{\n  \"format\": \(formatVersion)\n}\n".utf8) }

    /// The format number in `meta.json`.
    public static func decodeMetaFormat(_ bytes: [UInt8]) throws(StoreError) -> Int {
        struct Meta: Decodable { var format: Int }
        do {
            return try JSONDecoder().decode(Meta.self, from: Data(bytes)).format
        } catch {
            throw .corruptEntry(path: "meta.json", reason: "not a valid meta file (\(describe(error)))")
        }
    }

    private struct Record: Decodable {
        var id: String
        var title: String
        var body: String?
        var status: String
        var role: String?
        var priority: Int?
        var deps: [String]?
        var assignee: String?
        var attempts: Int?
        var clock: Int?
        var epoch: Int?
        var labels: [String]?
        var files: [String]?
        var failure: String?
        var created: String
        var updated: String?
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "wrong type for '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty:
            "bad value for '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted: "invalid JSON"
        default: "invalid JSON"
        }
    }
}
