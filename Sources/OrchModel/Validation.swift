/// Limits and rules for the text fields people type. Every rule names the field it guards,
/// so a refusal can say exactly what was wrong.
public enum FieldRules {
    public static let maxTitleBytes = 1_000
    public static let maxBodyBytes = 256 * 1024
    public static let maxReasonBytes = 4_096
    public static let priorityRange = -1_000...1_000

    /// A title: one line of text, not blank, at most `maxTitleBytes`.
    public static func validateTitle(_ title: String) throws(GraphError) {
        if title.allSatisfy(\.isWhitespace) { throw .invalidField("title", "must not be empty") }
        if title.utf8.count > maxTitleBytes {
            throw .invalidField("title", "is \(title.utf8.count) bytes; at most \(maxTitleBytes) are allowed")
        }
        try rejectControlCharacters(title, field: "title", allowNewlines: false)
    }

    /// Every field a new task carries, checked in the order people read them.
    public static func validateNewTask(
        title: String, body: String, priority: Int, role: String?, labels: [String], files: [String]
    ) throws(GraphError) {
        try validateTitle(title)
        try validateBody(body)
        try validatePriority(priority)
        if let role { try validateRole(role) }
        for label in labels { try validateLabel(label) }
        for glob in files { try validateFileGlob(glob) }
    }

    public static func validateBody(_ body: String) throws(GraphError) {
        if body.utf8.count > maxBodyBytes {
            throw .invalidField("body", "is \(body.utf8.count) bytes; at most \(maxBodyBytes) are allowed")
        }
        try rejectControlCharacters(body, field: "body", allowNewlines: true)
    }

    public static func validateReason(_ reason: String) throws(GraphError) {
        if reason.allSatisfy(\.isWhitespace) { throw .invalidField("reason", "must not be empty") }
        if reason.utf8.count > maxReasonBytes {
            throw .invalidField("reason", "is \(reason.utf8.count) bytes; at most \(maxReasonBytes) are allowed")
        }
        try rejectControlCharacters(reason, field: "reason", allowNewlines: true)
    }

    public static func validatePriority(_ priority: Int) throws(GraphError) {
        guard priorityRange.contains(priority) else {
            throw .invalidField("priority", "\(priority) is outside \(priorityRange.lowerBound)...\(priorityRange.upperBound)")
        }
    }

    /// Role ids: lowercase words joined by hyphens (`backend-dev`).
    public static func validateRole(_ role: String) throws(GraphError) {
        guard matches(role, first: lowercaseOrDigit, rest: { lowercaseOrDigit($0) || $0 == UInt8(ascii: "-") }, max: 64) else {
            throw .invalidField("role", "'\(printable(role))' is not a role id (lowercase letters, digits and '-')")
        }
    }

    /// Worker names become branch names (`orch/<name>`), so they keep to characters that are safe
    /// in a ref and in a shell: letters, digits, '.', '_' and '-', not starting with '-' or '.'.
    public static func validateWorkerName(_ name: String) throws(GraphError) {
        let valid = matches(name, first: alphanumeric, rest: { alphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }, max: 64)
            && !name.contains("..") && !name.hasSuffix(".lock") && !name.hasSuffix(".")
        guard valid else {
            throw .invalidField("worker", "'\(printable(name))' is not a valid worker name (letters, digits, '.', '_', '-'; at most 64)")
        }
    }

    public static func validateLabel(_ label: String) throws(GraphError) {
        let valid = matches(label, first: alphanumeric, rest: { alphanumeric($0) || "._:/-".utf8.contains($0) }, max: 64)
        guard valid else { throw .invalidField("label", "'\(printable(label))' is not a valid label") }
    }

    public static func validateFileGlob(_ glob: String) throws(GraphError) {
        if glob.isEmpty || glob.utf8.count > 512 { throw .invalidField("files", "a glob must have 1 to 512 bytes") }
        try rejectControlCharacters(glob, field: "files", allowNewlines: false)
    }

    static func rejectControlCharacters(_ text: String, field: String, allowNewlines: Bool) throws(GraphError) {
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let isControl = value < 0x20 || value == 0x7f || (0x80...0x9f).contains(value)
            if isControl && !(allowNewlines && (value == 0x0a || value == 0x09 || value == 0x0d)) {
                throw .invalidField(field, "contains control character U+\(String(value, radix: 16, uppercase: true))")
            }
        }
    }

    private static func matches(_ text: String, first: (UInt8) -> Bool, rest: (UInt8) -> Bool, max: Int) -> Bool {
        let bytes = text.utf8
        guard let head = bytes.first, bytes.count <= max, first(head) else { return false }
        return bytes.dropFirst().allSatisfy(rest)
    }

    private static func lowercaseOrDigit(_ unit: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(unit) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(unit)
    }

    private static func alphanumeric(_ unit: UInt8) -> Bool {
        lowercaseOrDigit(unit) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(unit)
    }

    /// Text safe to echo in an error: control characters escaped, long input cut.
    public static func printable(_ text: String) -> String {
        let shown = escaped(String(text.unicodeScalars.prefix(60)))
        return text.unicodeScalars.count > 60 ? shown + "..." : shown
    }

    /// Text safe to print on a terminal: C0 and C1 control characters (escape sequences among
    /// them) written as `\u{1b}`; with `keepNewlines`, line breaks and tabs are kept.
    public static func escaped(_ text: String, keepNewlines: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { isControl($0.value) }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            let kept = keepNewlines && (scalar.value == 0x0a || scalar.value == 0x09)
            if isControl(scalar.value) && !kept { out += "\\u{\(String(scalar.value, radix: 16))}" } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    private static func isControl(_ value: UInt32) -> Bool {
        value < 0x20 || value == 0x7f || (0x80...0x9f).contains(value)
    }
}
