import ArgumentParser
import Foundation
import OrchStore
import GitOrchCLI
import OrchModel
import OrchRuntime

extension GitOrchRun {
    struct Msg: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Messages between workers: kept in refs/orch/messages until the recipient's next prompt.",
            subcommands: [Send.self, List.self])

        struct Send: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Leave a message for a worker.")
            @Argument(help: "The recipient worker.") var name: String
            @Argument(help: "The message.") var text: String
            @Option(help: "Who it is from (default: $GIT_ORCH_WORKER, else 'user').") var from: String?

            func validate() throws {
                do {
                    try FieldRules.validateWorkerName(name)
                    if let from { try FieldRules.validateWorkerName(from) }
                    try FieldRules.validateBody(text)
                } catch { throw ValidationError("\(error)") }
                if text.allSatisfy(\.isWhitespace) { throw ValidationError("the message is empty") }
            }

            func run() throws {
                let context = try RunContext.open()
                let sender = from ?? ProcessInfo.processInfo.environment["GIT_ORCH_WORKER"] ?? "user"
                try runtime { () throws(RuntimeError) in
                    let known = try store { () throws(StoreError) in try WorkerRegistry(repository: context.repository).all() }.map(\.name)
                    guard known.contains(name) else {
                        throw .invalidInput("no worker named '\(name)' (workers: \(known.isEmpty ? "none yet" : known.joined(separator: ", ")))")
                    }
                    try store { () throws(StoreError) in try Inbox(repository: context.repository).send(WorkerMessage(from: sender, to: name, text: text, time: .now()), at: .now()) }
                }
                context.console.print("message for \(name) waits for its next prompt")
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Messages not yet delivered to a worker.")
            @Argument(help: "The worker.") var name: String
            @Flag(help: "Print JSON.") var json = false

            func run() throws {
                let context = try RunContext.open()
                let messages = try runtime { () throws(RuntimeError) in try store { () throws(StoreError) in try Inbox(repository: context.repository).pending(for: name) } }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                    context.console.print(String(decoding: try encoder.encode(messages), as: UTF8.self))
                } else {
                    for message in messages { context.console.print("\(message.time) from \(message.from): \(message.text)") }
                }
            }
        }
    }
}
