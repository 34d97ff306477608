/// The canonical JSON form of a task: keys in alphabetical order, every key present (null when
/// empty), so the same task always gives the same bytes. `pretty` puts one key per line (task files
/// in git, readable in diffs); compact is one line (`--json` output).
public enum TaskJSON {
    public static func encode(_ task: Task, pretty: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + task.body.utf8.count)
        append(task, pretty: pretty, to: &out)
        return out
    }

    /// A JSON array of canonical task objects, one per line.
    public static func encodeArray(_ tasks: [Task]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(tasks.count * 320)
        for (index, task) in tasks.enumerated() {
            out.append(contentsOf: index == 0 ? [0x0a] : [UInt8(ascii: ","), 0x0a])
            append(task, pretty: false, to: &out)
        }
        out.append(contentsOf: tasks.isEmpty ? [UInt8(ascii: "]"), 0x0a] : [0x0a, UInt8(ascii: "]"), 0x0a])
        return out
    }

    public static func append(_ task: Task, pretty: Bool, to out: inout [UInt8]) {
        var first = true
        func key(_ name: StaticString) {
            if first { out.append(UInt8(ascii: "{")) } else { out.append(UInt8(ascii: ",")) }
            first = false
            if pretty { out.append(contentsOf: [0x0a, 0x20, 0x20]) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: pretty ? [UInt8(ascii: "\""), UInt8(ascii: ":"), 0x20] : [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }
        key("assignee"); appendOptional(task.assignee, to: &out)
        key("attempts"); out.append(contentsOf: String(task.attempts).utf8)
        key("body"); appendString(task.body, to: &out)
        key("clock"); out.append(contentsOf: String(task.clock).utf8)
        key("created"); appendString(task.created.iso8601, to: &out)
        key("deps"); appendArray(task.deps.map(\.hex), pretty: pretty, to: &out)
        key("epoch"); out.append(contentsOf: String(task.epoch).utf8)
        key("failure"); appendOptional(task.failureReason, to: &out)
        key("files"); appendArray(task.files, pretty: pretty, to: &out)
        key("id"); appendString(task.id.hex, to: &out)
        key("labels"); appendArray(task.labels, pretty: pretty, to: &out)
        key("priority"); out.append(contentsOf: String(task.priority).utf8)
        key("role"); appendOptional(task.role, to: &out)
        key("status"); appendString(task.status.rawValue, to: &out)
        key("title"); appendString(task.title, to: &out)
        key("updated"); appendString(task.updated.iso8601, to: &out)
        if pretty { out.append(0x0a) }
        out.append(UInt8(ascii: "}"))
        if pretty { out.append(0x0a) }
    }

    static func appendOptional(_ value: String?, to out: inout [UInt8]) {
        if let value { appendString(value, to: &out) } else { out.append(contentsOf: "null".utf8) }
    }

    static func appendArray(_ values: [String], pretty: Bool, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(contentsOf: pretty ? [UInt8(ascii: ","), 0x20] : [UInt8(ascii: ",")]) }
            appendString(value, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// A JSON string literal; control characters escaped, everything else as UTF-8.
    public static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for unit in value.utf8 {
            switch unit {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5c, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5c, 0x5c])
            case 0x0a: out.append(contentsOf: [0x5c, UInt8(ascii: "n")])
            case 0x0d: out.append(contentsOf: [0x5c, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5c, UInt8(ascii: "t")])
            case 0..<0x20:
                let digits = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5c, UInt8(ascii: "u"), 0x30, 0x30, digits[Int(unit >> 4)], digits[Int(unit & 0xf)]])
            default: out.append(unit)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
