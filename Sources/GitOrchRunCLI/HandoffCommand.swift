import ArgumentParser
import Foundation
import OrchStore
import GitOrchCLI
import OrchModel
import OrchRuntime

extension GitOrchRun {
    struct Handoff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hand a worker's session over to a fresh one (or to another worker), with a document in git.",
            discussion: """
                'git orch handoff NAME' runs five steps: write the handoff document, commit the worktree and \
                store the document in refs/orch/handoffs (with a note on the branch commit), push the branch \
                and state when a remote is configured, stop the session, start a new one whose prompt holds the \
                document. A failed step stops the sequence; 'handoff NAME --continue' resumes there.
                """,
            subcommands: [Hand.self, List.self, Show.self],
            defaultSubcommand: Hand.self)

        struct Hand: ParsableCommand {
            static let configuration = CommandConfiguration(commandName: "run", abstract: "Hand off a worker (the default: 'handoff NAME').")

            @Argument(help: "The worker.") var name: String
            @Option(help: "Give the worker's task, with the document, to this worker.") var to: String?
            @Flag(help: "Leave the worker stopped after the handoff.") var noRestart = false
            @Flag(name: .customLong("continue"), help: "Resume the worker's unfinished handoff at the step that failed.") var resume = false
            @Flag(help: "Forget the worker's unfinished handoff.") var abandon = false
            @Option(help: .hidden) var reason = "manual"
            @Flag(help: "Print the steps as JSON.") var json = false

            func validate() throws {
                do {
                    try FieldRules.validateWorkerName(name)
                    if let to { try FieldRules.validateWorkerName(to) }
                } catch { throw ValidationError("\(error)") }
                if resume && abandon { throw ValidationError("--continue and --abandon exclude each other") }
                if (resume || abandon) && (to != nil || noRestart) {
                    throw ValidationError("--to and --no-restart belong to a new handoff, not to --continue or --abandon")
                }
                guard ["manual", "context", "tasks"].contains(reason) else { throw ValidationError("--reason: manual, context or tasks, not '\(reason)'") }
            }

            func run() throws {
                let context = try RunContext.open()
                let settings = try context.settings()
                let console = context.console
                let json = self.json
                let workflow = try runtime { () throws(RuntimeError) in
                    try HandoffWorkflow(repository: context.repository, settings: settings) { progress, step in
                        let state = progress.steps[step.rawValue - 1]
                        guard !json, state.state != .running else { return }
                        console.print("[\(step.rawValue)/5] \(step.summary): \(state.state.rawValue)" + (state.message.map { " (\($0))" } ?? ""))
                    }
                }
                let progress = try runtime { () throws(RuntimeError) in
                    if abandon { return try workflow.abandon(name) }
                    if resume { return try workflow.resume(name) }
                    return try workflow.start(.init(worker: name, to: to, restart: !noRestart, reason: reason))
                }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                    var shown = progress
                    shown.document = nil
                    console.print(String(decoding: try encoder.encode(shown), as: UTF8.self))
                } else if abandon {
                    console.print("dropped the unfinished handoff \(progress.id)")
                } else {
                    console.print("handoff \(progress.id) done; 'git orch handoff show \(progress.id)' prints it")
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The handoffs in refs/orch/handoffs, oldest first.")
            @Argument(help: "Only this worker's.") var name: String?
            @Flag(help: "Print JSON.") var json = false

            func run() throws {
                let context = try RunContext.open()
                let records = try runtime { () throws(RuntimeError) in try store { () throws(StoreError) in try HandoffStore(repository: context.repository).list(worker: name) } }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                    context.console.print(String(decoding: try encoder.encode(records), as: UTF8.self))
                    return
                }
                if records.isEmpty { context.console.print("no handoffs" + (name.map { " of \($0)" } ?? "")); return }
                for record in records {
                    var line = record.id
                    if record.from != record.worker { line += " (from \(record.from))" }
                    if let task = record.task { line += "  task \(task.prefix(8)) \(record.taskTitle ?? "")" }
                    if let commit = record.commit { line += "  \(record.branch)@\(commit.prefix(8))" }
                    line += "  \(record.reason)"
                    context.console.print(line)
                }
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Print a handoff document.")
            @Argument(help: "The handoff's id (or a unique part of it, such as its time).") var id: String
            @Flag(help: "Print its index entry and document as JSON.") var json = false

            func run() throws {
                let context = try RunContext.open()
                let (record, text) = try runtime { () throws(RuntimeError) in try store { () throws(StoreError) in
                    let store = HandoffStore(repository: context.repository)
                    let record = try store.resolve(id)
                    return (record, try store.document(record))
                } }
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                    struct Shown: Encodable { var record: HandoffRecord; var document: String }
                    context.console.print(String(decoding: try encoder.encode(Shown(record: record, document: text)), as: UTF8.self))
                } else {
                    context.console.print(text.hasSuffix("\n") ? String(text.dropLast()) : text)
                }
            }
        }
    }
}
