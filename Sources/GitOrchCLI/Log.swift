import ArgumentParser
import GitKit
import OrchModel
import OrchStore

extension GitOrch {
    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log",
            abstract: "Show the history of operations on the task graph, newest first.",
            discussion: "The same history as 'git log refs/orch/graph'.")

        @Option(name: [.customShort("n"), .customLong("max-count")], help: "Show at most this many operations.")
        var limit: Int?

        @OptionGroup var output: JSONOption

        func validate() throws {
            if let limit, limit < 1 { throw ValidationError("--max-count must be at least 1") }
        }

        func run() throws {
            let context = try Context.open()
            let commits: [Commit]
            do { commits = try context.store.history(limit: limit ?? .max) } catch { throw CLIError.store(error) }
            if output.json {
                var out: [UInt8] = Array("[".utf8)
                for (index, commit) in commits.enumerated() {
                    out.append(contentsOf: Array((index == 0 ? "\n" : ",\n").utf8))
                    out.append(contentsOf: Array(OperationRecord(commit).json.utf8))
                }
                out.append(contentsOf: Array((commits.isEmpty ? "]\n" : "\n]\n").utf8))
                context.console.write(out)
                return
            }
            let style = context.style
            var out = ""
            for commit in commits {
                let record = OperationRecord(commit)
                out += "\(style.yellow(String(commit.oid.hex.prefix(10)))) \(style.dim(record.time)) \(FieldRules.escaped(record.summary))  \(style.dim("(\(FieldRules.escaped(commit.author.name)))"))\n"
            }
            context.console.write(Array(out.utf8))
        }
    }
}

/// One operation as recorded in a graph commit: its summary line and `Orch-*` trailers.
struct OperationRecord {
    var commit: Commit
    var summary: String
    var operation: String
    var tasks: [String]
    var time: String

    init(_ commit: Commit) {
        self.commit = commit
        let lines = commit.message.split(separator: "\n", omittingEmptySubsequences: false)
        summary = lines.first.map(String.init) ?? ""
        operation = lines.first { $0.hasPrefix("Orch-Operation: ") }.map { String($0.dropFirst(16)) } ?? ""
        tasks = lines.filter { $0.hasPrefix("Orch-Task: ") }.map { String($0.dropFirst(11)) }
        time = String(Timestamp(microseconds: commit.time * 1_000_000).iso8601.prefix(19)) + "Z"
    }

    var json: String {
        var out: [UInt8] = []
        func field(_ name: String, _ value: String, last: Bool = false) {
            out.append(contentsOf: Array("\"\(name)\":".utf8))
            TaskJSON.appendString(value, to: &out)
            if !last { out.append(UInt8(ascii: ",")) }
        }
        out.append(UInt8(ascii: "{"))
        field("author", commit.author.name)
        field("commit", commit.oid.hex)
        field("operation", operation)
        field("summary", summary)
        out.append(contentsOf: Array("\"tasks\":[".utf8))
        for (index, task) in tasks.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            TaskJSON.appendString(task, to: &out)
        }
        out.append(contentsOf: Array("],".utf8))
        field("time", time, last: true)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }
}
