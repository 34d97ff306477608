import Foundation
import OrchTestSupport
import Testing

/// The README's command table against the built binary: every command and subcommand it lists
/// answers `--help`, and every option it names (in the usage, or in backticks in the description)
/// is one that command's help offers. A renamed option, a removed command or a typo in the table
/// fails here.
@Suite struct ReadmeCommandTableTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// `git orch ARGS --help`, unwrapped (COLUMNS wide), cached per command path. A group with a
    /// default subcommand (`handoff NAME` is `handoff run NAME`) includes that subcommand's help.
    final class HelpCache: @unchecked Sendable {
        var texts: [[String]: (status: Int32, text: String)] = [:]
        func help(_ path: [String]) throws -> (status: Int32, text: String) {
            if let cached = texts[path] { return cached }
            let result = try Run.process(OrchBinary.path, path + ["--help"], in: NSTemporaryDirectory(), environment: ["COLUMNS": "1000", "LINES": "50"])
            var text = result.stdout + result.stderr
            let defaultLine = text.components(separatedBy: "\n").first { $0.hasPrefix("  ") && $0.contains("(default)") }
            if let name = defaultLine?.split(separator: " ").first {
                text += try help(path + [String(name)]).text
            }
            texts[path] = (result.status, text)
            return texts[path]!
        }
    }

    /// Problems of the table against the binary, one line each.
    static func problems(_ table: ReadmeCommandTable, helps: HelpCache) throws -> [String] {
        var problems: [String] = []
        for row in table.rows {
            var rowHelps: [String] = []
            for usage in row.usages {
                var usageHelps: [String] = []
                for path in usage.commandPaths {
                    let help = try helps.help(path)
                    // --help after an unknown subcommand prints the parent's help: its USAGE names no such word.
                    let usageLine = help.text.components(separatedBy: "\n").first { $0.hasPrefix("USAGE:") } ?? ""
                    if help.status != 0 || !usageLine.split(separator: " ").contains(Substring(path.last ?? "")) {
                        problems.append("README line \(row.line): `git orch \(path.joined(separator: " "))` is not a command (--help exited \(help.status))")
                    }
                    usageHelps.append(help.text)
                }
                rowHelps += usageHelps
                for option in usage.options where !usageHelps.contains(where: { ReadmeCommandTable.help($0, offers: option) }) {
                    problems.append("README line \(row.line): `\(usage.text)`: \(option) is not an option of that command")
                }
            }
            for option in row.describedOptions where !rowHelps.contains(where: { ReadmeCommandTable.help($0, offers: option) }) {
                problems.append("README line \(row.line): the description names \(option), which none of the row's commands offers")
            }
        }
        return problems
    }

    static func readme() throws -> String { try String(contentsOfFile: packageRoot + "/README.md", encoding: .utf8) }

    @Test func everyCommandAndOptionInTheReadmeTableIsInTheBinary() throws {
        let table = ReadmeCommandTable.parse(try Self.readme())
        #expect(table.rows.count >= 25, "the command table was not found or lost rows")
        #expect(table.rows.flatMap(\.usages).flatMap(\.options).count >= 40)
        let problems = try Self.problems(table, helps: HelpCache())
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// The same check fails when the table names an option the binary does not have: here the
    /// logs row with `--raw` renamed to `--tail`, and a subcommand that does not exist.
    @Test func aRenamedOptionOrCommandInTheTableIsCaught() throws {
        let readme = try Self.readme()
        let helps = HelpCache()
        let logsRow = try #require(readme.components(separatedBy: "\n").first { $0.hasPrefix("| `git orch logs NAME") })
        let renamed = readme.replacingOccurrences(of: logsRow, with: logsRow.replacingOccurrences(of: "[--raw]", with: "[--tail]"))
        #expect(renamed != readme)
        let problems = try Self.problems(ReadmeCommandTable.parse(renamed), helps: helps)
        #expect(problems.count == 1 && problems.first?.contains("--tail is not an option") == true, "\(problems)")

        let hooksRow = try #require(readme.components(separatedBy: "\n").first { $0.hasPrefix("| `git orch hooks") })
        let unknown = readme.replacingOccurrences(of: hooksRow, with: hooksRow.replacingOccurrences(of: "uninstall", with: "remove"))
        let hookProblems = try Self.problems(ReadmeCommandTable.parse(unknown), helps: helps)
        #expect(hookProblems.contains { $0.contains("`git orch hooks remove` is not a command") }, "\(hookProblems)")
    }

    /// The parser itself, on rows shaped like the README's.
    @Test func theTableParserReadsUsagesAlternativesAndOptions() {
        let markdown = """
            ## Commands

            | Command | What it does |
            |---|---|
            | `git orch task done ID` / `task fail ID --reason TEXT` | Move a task on. |
            | `git orch skills list\\|show ID\\|select TEXT [--role R]\\|validate [--json]` | With `--json`, JSON. |
            | `git orch task import FILE\\|-` | Add tasks. |

            ## Configuration

            | `git orch nothing --here` | not a command row |
            """
        let table = ReadmeCommandTable.parse(markdown)
        #expect(table.rows.count == 3)
        #expect(table.rows[0].usages.map(\.commandPaths) == [[["task", "done"]], [["task", "fail"]]])
        #expect(table.rows[0].usages[1].options == ["--reason"])
        #expect(table.rows[1].usages[0].commandPaths == [["skills", "list"], ["skills", "show"], ["skills", "select"], ["skills", "validate"]])
        #expect(table.rows[1].usages[0].options == ["--role", "--json"])
        #expect(table.rows[1].describedOptions == ["--json"])
        #expect(table.rows[2].usages[0].commandPaths == [["task", "import"]])
        #expect(table.rows[2].usages[0].options.isEmpty)
        let help = "OPTIONS:\n  -l, --lines <lines>     Only the last N lines (see --follow).\n  -h, --help              Show help."
        #expect(ReadmeCommandTable.help(help, offers: "-l") && ReadmeCommandTable.help(help, offers: "--lines"))
        #expect(!ReadmeCommandTable.help(help, offers: "--follow") && !ReadmeCommandTable.help(help, offers: "-n"))
    }
}
