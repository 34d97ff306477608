import Foundation

/// The README's command table read as data: for each row, the usages it gives (`git orch task add
/// TITLE [--role R]...` and the ones after ` / `) with their command words, subcommand
/// alternatives and options, and the options its description names in backticks.
struct ReadmeCommandTable {
    struct Usage: Equatable {
        /// `["task", "add"]`; several subcommand alternatives (`roles list|show ID`) give several paths.
        var commandPaths: [[String]]
        var options: [String]
        var text: String
    }

    struct Row {
        var usages: [Usage]
        /// Options the description names (`--remote`, `--continue`): each must belong to one of the row's commands.
        var describedOptions: [String]
        var line: Int
    }

    var rows: [Row]

    /// The table under `## Commands`: rows whose first cell holds `git orch ...` in backticks.
    static func parse(_ markdown: String) -> ReadmeCommandTable {
        var rows: [Row] = []
        var inSection = false
        for (index, line) in markdown.components(separatedBy: "\n").enumerated() {
            if line.hasPrefix("## ") { inSection = line == "## Commands" }
            guard inSection, line.hasPrefix("| `git orch") else { continue }
            let cells = splitCells(line)
            guard cells.count >= 2 else { continue }
            let usages = codeSpans(cells[0]).filter { !$0.isEmpty }.map(usage)
            let described = codeSpans(cells[1]).flatMap(words).filter(isOption)
            rows.append(Row(usages: usages, describedOptions: described, line: index + 1))
        }
        return ReadmeCommandTable(rows: rows)
    }

    /// A usage: the first word is the command; lower-case words (and `a|b` alternatives) are
    /// subcommands; upper-case words are placeholders.
    static func usage(_ span: String) -> Usage {
        var text = span
        if text.hasPrefix("git orch ") { text.removeFirst("git orch ".count) }
        let tokens = words(text)
        guard let command = tokens.first else { return Usage(commandPaths: [], options: [], text: span) }
        var subcommands: [String] = []
        for token in tokens.dropFirst() where !isOption(token) {
            subcommands += token.split(separator: "|").map(String.init).filter { $0.allSatisfy { $0.isLowercase || $0 == "-" } && $0.first?.isLetter == true }
        }
        let paths = subcommands.isEmpty ? [[command]] : subcommands.map { [command, $0] }
        return Usage(commandPaths: paths, options: tokens.filter(isOption), text: span)
    }

    /// Words of a usage with brackets, repetition marks and alternation bars around options removed.
    static func words(_ text: String) -> [String] {
        let cleaned = text.replacingOccurrences(of: "\\|", with: "|")
            .map { "[]".contains($0) ? " " : String($0) }.joined()
            .replacingOccurrences(of: "...", with: " ").replacingOccurrences(of: ",..", with: " ")
        return cleaned.split(whereSeparator: { $0 == " " }).flatMap { word -> [String] in
            // `--json]|validate` style leftovers: an option glued to an alternative.
            let parts = word.split(separator: "|").map(String.init)
            return parts.contains(where: isOption) ? parts : [String(word)]
        }
    }

    static func isOption(_ word: String) -> Bool {
        word.range(of: #"^--?[A-Za-z][A-Za-z0-9-]*$"#, options: .regularExpression) != nil
    }

    static func codeSpans(_ cell: String) -> [String] {
        cell.components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
    }

    /// Cells of a table line; `\|` inside a cell is not a separator.
    static func splitCells(_ line: String) -> [String] {
        var cells: [String] = [], current = "", previous: Character = " "
        for character in line.dropFirst() {
            if character == "|" && previous != "\\" { cells.append(current.trimmingCharacters(in: .whitespaces)); current = "" }
            else { current.append(character) }
            previous = character
        }
        return cells
    }

    /// Whether `option` is one a command's `--help` lists in its OPTIONS (`-x, --name <value>`),
    /// not merely mentions in a sentence.
    static func help(_ help: String, offers option: String) -> Bool {
        for line in help.components(separatedBy: "\n") {
            let entry = line.trimmingCharacters(in: .whitespaces)
            guard entry.hasPrefix("-") else { continue }
            let names = (entry.components(separatedBy: "  ").first ?? entry)
                .split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            if names.contains(option) { return true }
        }
        return false
    }
}
