import ArgumentParser
import GitKit
import OrchStore
import OrchModel

extension GitOrch.TaskGroup {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one task.")

        @Argument(help: "Task id or unique prefix.")
        var id: String

        @OptionGroup var output: JSONOption

        func run() throws {
            let context = try Context.open()
            let snapshot = try context.snapshot()
            let graph = snapshot.graph
            let task = graph[try context.resolve(id, in: snapshot)]!
            let kept: [AttemptRefs.Attempt]
            do { kept = try AttemptRefs(repository: context.store.repository).attempts(of: task.id) } catch { throw CLIError.store(error) }
            if output.json {
                context.console.write(TaskFormatting.json(task, keptAttempts: kept))
                return
            }
            let style = context.style
            var lines = [
                "\(style.bold("task")) \(style.cyan(task.id.hex))",
                "title:    \(FieldRules.escaped(task.title))",
                "state:    \(TaskFormatting.colored(TaskFormatting.state(of: task, in: graph), style))",
                "priority: \(task.priority)",
            ]
            if let role = task.role { lines.append("role:     \(FieldRules.escaped(role))") }
            if let assignee = task.assignee { lines.append("assignee: \(FieldRules.escaped(assignee))") }
            lines.append("attempts: \(task.attempts)")
            // Work of failed attempts, kept on refs: `git diff <ref>^ <ref>` shows it.
            for attempt in kept {
                lines.append("  kept:   \(attempt.ref) \(attempt.commit.hex.prefix(12)) \(FieldRules.escaped(attempt.summary))")
            }
            if !task.deps.isEmpty {
                lines.append("after:    " + task.deps.map { dep in
                    let state = graph[dep].map { TaskFormatting.state(of: $0, in: graph) } ?? "missing"
                    return "\(graph.describe(dep)) [\(state)]"
                }.joined(separator: "\n          "))
            }
            if !task.labels.isEmpty { lines.append("labels:   \(FieldRules.escaped(task.labels.joined(separator: ", ")))") }
            if !task.files.isEmpty { lines.append("files:    \(FieldRules.escaped(task.files.joined(separator: ", ")))") }
            if let reason = task.failureReason { lines.append("failure:  \(FieldRules.escaped(reason, keepNewlines: true))") }
            lines.append("created:  \(task.created.iso8601)")
            lines.append("updated:  \(task.updated.iso8601)")
            if !task.body.isEmpty { lines.append("\n\(FieldRules.escaped(task.body, keepNewlines: true))") }
            context.console.print(lines.joined(separator: "\n"))
        }
    }
}
