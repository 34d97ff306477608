#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ProcessKit

/// Where commands write. The standard console writes to stdout/stderr; tests swap in a
/// `CapturingConsole` with `Console.$current.withValue(...)` to run commands in-process.
public class Console: @unchecked Sendable {
    @TaskLocal public static var current: Console = StandardConsole()

    /// Whether human output may use ANSI colours.
    public var usesColor: Bool { false }
    public func write(_ bytes: [UInt8]) {}
    public func writeError(_ text: String) {}

    public func print(_ text: String) { write(Array((text + "\n").utf8)) }
}

final class StandardConsole: Console, @unchecked Sendable {
    private let colorful: Bool = {
        guard isatty(STDOUT_FILENO) == 1 else { return false }
        if let noColor = getenv("NO_COLOR"), noColor.pointee != 0 { return false }
        if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
        return true
    }()

    override var usesColor: Bool { colorful }

    override func write(_ bytes: [UInt8]) {
        _ = writeAll(STDOUT_FILENO, bytes)
    }

    override func writeError(_ text: String) {
        let line = Array((text + "\n").utf8)
        line.withUnsafeBytes { _ = Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

/// Collects output in memory, for in-process tests.
public final class CapturingConsole: Console, @unchecked Sendable {
    public private(set) var output: [UInt8] = []
    public private(set) var errors: [String] = []
    public override init() {}
    public var text: String { String(decoding: output, as: UTF8.self) }
    public override func write(_ bytes: [UInt8]) { output.append(contentsOf: bytes) }
    public override func writeError(_ text: String) { errors.append(text) }
}

/// Aligned columns separated by two spaces; the last column is not padded. `stylize` colours a
/// cell after padding (so escape codes never upset the alignment); the header is bold.
package enum TextTable {
    package static func render(
        _ header: [String], _ rows: [[String]], style: Style, stylize: (Int, String) -> String = { $1 }
    ) -> String {
        var widths = header.map(\.count)
        for row in rows { for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) } }
        func line(_ cells: [String], _ paint: (Int, String) -> String) -> String {
            cells.enumerated().map { column, cell in
                paint(column, column == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count))
            }.joined(separator: "  ")
        }
        return ([line(header) { style.bold($1) }] + rows.map { line($0, stylize) }).joined(separator: "\n") + "\n"
    }
}

/// ANSI styling that switches itself off when colours are off.
package struct Style {
    package let enabled: Bool
    package init(enabled: Bool) { self.enabled = enabled }
    package func apply(_ code: String, _ text: String) -> String { enabled ? "\u{1b}[\(code)m\(text)\u{1b}[0m" : text }
    package func dim(_ text: String) -> String { apply("2", text) }
    package func bold(_ text: String) -> String { apply("1", text) }
    package func yellow(_ text: String) -> String { apply("33", text) }
    package func green(_ text: String) -> String { apply("32", text) }
    package func red(_ text: String) -> String { apply("31", text) }
    package func blue(_ text: String) -> String { apply("34", text) }
    package func cyan(_ text: String) -> String { apply("36", text) }
}
