#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import OrchStore
import GitOrchCLI
import OrchModel
import OrchRuntime

extension GitOrchRun {
    struct Logs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a worker's terminal output (kept, bounded, in .git/orch/logs/), or the team's events.",
            discussion: """
            A worker's terminal is a transcript of its agent: the agent's text, one line per tool call, results \
            shortened, the cost at the end. --raw prints the agent's output as it came (claude's and codex's JSON \
            events). With --events, prints the event log (.git/orch/events.jsonl) instead; --json keeps its JSON lines.
            """)

        @Argument(help: "The worker's name (omit with --events).") var name: String?
        @Flag(name: [.short, .long], help: "Keep printing as output arrives.") var follow = false
        // -n as in git log and tail; -l kept for scripts that use it.
        @Option(name: [.customShort("n"), .short, .long], help: "Only the last N lines.") var lines: Int?
        @Flag(help: "The team's events instead of a terminal.") var events = false
        @Flag(help: "The agent's output as it came (JSON events for claude and codex), not the transcript.") var raw = false
        @Flag(help: "With --events: JSON lines.") var json = false

        func validate() throws {
            if name == nil && !events { throw ValidationError("name a worker, or use --events") }
            if let name { do { try FieldRules.validateWorkerName(name) } catch { throw ValidationError("\(error)") } }
            if let lines, lines < 0 { throw ValidationError("--lines must not be negative") }
            if raw && events { throw ValidationError("--raw is for a worker's terminal, not --events") }
        }

        func run() throws {
            let context = try RunContext.open()
            let path = events ? context.paths.events : raw ? context.paths.rawTerminalLog(name!) : context.paths.terminalLog(name!)
            if !events, !FileManager.default.fileExists(atPath: path) {
                let known = try runtime { () throws(RuntimeError) in try store { () throws(StoreError) in try WorkerRegistry(repository: context.repository).all() } }.map(\.name)
                guard known.contains(name!) else {
                    throw CLIError.input("no worker named '\(name!)' (workers: \(known.isEmpty ? "none yet" : known.joined(separator: ", ")))")
                }
                if !follow { return }
            }
            var text = ""
            if !events, let older = FileManager.default.contents(atPath: path + ".1") { text += String(decoding: older, as: UTF8.self) }
            var offset = 0
            if let data = FileManager.default.contents(atPath: path) {
                text += String(decoding: data, as: UTF8.self)
                offset = data.count
            }
            write(render(text, tail: lines), context)
            guard follow else { return }
            while true {
                usleep(200_000)
                guard let handle = FileHandle(forReadingAtPath: path) else { continue }
                let size = Int(handle.seekToEndOfFile())
                if size < offset { offset = 0 } // rotated
                if size > offset {
                    handle.seek(toFileOffset: UInt64(offset))
                    let data = handle.readDataToEndOfFile()
                    offset += data.count
                    write(render(String(decoding: data, as: UTF8.self), tail: nil), context)
                }
                handle.closeFile()
            }
        }

        private func render(_ text: String, tail: Int?) -> String {
            // By bytes: to String a terminal's "\r\n" is one Character, not a "\n".
            var lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            if lines.last == "" { lines.removeLast() }
            if let tail { lines = Array(lines.suffix(tail)) }
            guard events && !json else { return lines.map { $0 + "\n" }.joined() }
            return lines.compactMap { line in
                guard let event = RuntimeEvent.parse(line) else { return nil }
                var text = "\(event.time) \(event.worker ?? "supervisor") \(event.type.rawValue)"
                if let task = event.task { text += " \(task.prefix(8))" }
                if let title = event.title { text += " \(title)" }
                if let message = event.message { text += ": \(message)" }
                return text + "\n"
            }.joined()
        }

        private func write(_ text: String, _ context: RunContext) {
            context.console.write(Array(text.utf8))
        }
    }
}
