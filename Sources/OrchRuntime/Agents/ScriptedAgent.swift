import Foundation

/// The agent `git orch demo` runs: no model, just the edits each task carries, so a newcomer sees
/// the whole system work without an AI account. A task's body holds blocks such as
///
///     @write path/to/file
///     the whole new content
///     @end
///
/// and `@append path` ... `@end`, `@delete path`, `@sleep seconds`. They are applied to the
/// working directory in order; everything else in the prompt is ignored. It prints what it does
/// and one aider-style line of made-up token counts (so the ledger shows how costs add up).
public enum ScriptedAgent {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public enum Edit: Equatable {
        case write(String, String), append(String, String), delete(String), sleep(Double)
    }

    /// The edits in `prompt`, in order. A block without `@end`, or a path leaving the directory,
    /// is an error naming its line.
    public static func edits(in prompt: String) throws(Failure) -> [Edit] {
        var edits: [Edit] = []
        let lines = prompt.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let words = line.split(separator: " ", maxSplits: 1).map(String.init)
            index += 1
            guard let directive = words.first, directive.hasPrefix("@") else { continue }
            let argument = words.count > 1 ? words[1].trimmingCharacters(in: .whitespaces) : ""
            switch directive {
            case "@write", "@append":
                try checkPath(argument, line: index)
                var body: [String] = []
                while index < lines.count && lines[index] != "@end" {
                    body.append(lines[index])
                    index += 1
                }
                guard index < lines.count else { throw Failure(description: "line \(index): \(directive) \(argument) has no @end") }
                index += 1
                let text = body.joined(separator: "\n") + (body.isEmpty ? "" : "\n")
                edits.append(directive == "@write" ? .write(argument, text) : .append(argument, text))
            case "@delete":
                try checkPath(argument, line: index)
                edits.append(.delete(argument))
            case "@sleep":
                guard let seconds = Double(argument), seconds >= 0, seconds <= 600 else {
                    throw Failure(description: "line \(index): @sleep needs seconds (0-600), not '\(argument)'")
                }
                edits.append(.sleep(seconds))
            default:
                continue
            }
        }
        return edits
    }

    private static func checkPath(_ path: String, line: Int) throws(Failure) {
        let parts = path.split(separator: "/")
        guard !path.isEmpty, !path.hasPrefix("/"), !parts.contains(".."), !parts.contains(".git") else {
            throw Failure(description: "line \(line): '\(path)' is not a path inside the project")
        }
    }

    /// Applies `edits` in `directory`, printing each; returns the made-up (input, output) tokens.
    public static func apply(_ edits: [Edit], in directory: String, print: (String) -> Void) throws(Failure) -> (Int, Int) {
        var input = 1200, output = 0
        for edit in edits {
            do {
                switch edit {
                case .write(let path, let text):
                    try prepare(path, in: directory)
                    try text.write(toFile: directory + "/" + path, atomically: true, encoding: .utf8)
                    print("wrote \(path) (\(text.split(separator: "\n").count) lines)")
                    output += text.utf8.count / 4 + 20
                case .append(let path, let text):
                    try prepare(path, in: directory)
                    let file = directory + "/" + path
                    // A file that is not there yet starts empty; one that cannot be read is an error, not overwritten.
                    let old = FileManager.default.fileExists(atPath: file) ? try String(contentsOfFile: file, encoding: .utf8) : ""
                    try (old + text).write(toFile: file, atomically: true, encoding: .utf8)
                    print("appended to \(path)")
                    output += text.utf8.count / 4 + 20
                case .delete(let path):
                    try FileManager.default.removeItem(atPath: directory + "/" + path)
                    print("deleted \(path)")
                case .sleep(let seconds):
                    print("thinking for \(seconds) s")
                    Thread.sleep(forTimeInterval: seconds)
                }
                input += 400
            } catch {
                throw Failure(description: "\(edit): \(error.localizedDescription)")
            }
        }
        return (input, output)
    }

    private static func prepare(_ path: String, in directory: String) throws {
        let folder = URL(fileURLWithPath: directory + "/" + path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// The cost line in aider's format, priced like a cheap model; the numbers are made up.
    public static func costLine(input: Int, output: Int) -> String {
        let cost = Double(input) * 0.25 / 1_000_000 + Double(output) * 2.0 / 1_000_000
        return String(format: "Tokens: %d sent, %d received. Cost: $%.4f message, $%.4f session. (made-up figures: scripted demo agent)", input, output, cost, cost)
    }
}
