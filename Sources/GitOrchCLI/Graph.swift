import ArgumentParser
import OrchStore
import OrchModel

extension GitOrch {
    struct Graph: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "graph",
            abstract: "Show the task graph in dependency order, or as Graphviz with --dot.")

        @Flag(help: "Print Graphviz DOT (pipe to 'dot -Tsvg').")
        var dot = false

        func run() throws {
            let context = try Context.open()
            let snapshot = try context.snapshot()
            let graph = snapshot.graph
            let order = graph.topologicalOrder()
            if dot {
                var out = "digraph tasks {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n"
                for task in order {
                    let label = "\(graph.abbreviation(of: task.id))\\n\(dotEscape(task.title))"
                    out += "  \"\(task.id.hex)\" [label=\"\(label)\", color=\"\(dotColor(TaskFormatting.state(of: task, in: graph)))\"];\n"
                }
                for task in order {
                    for dep in task.deps { out += "  \"\(dep.hex)\" -> \"\(task.id.hex)\";\n" }
                }
                out += "}\n"
                context.console.write(Array(out.utf8))
            } else {
                let style = context.style
                var out = ""
                for task in order {
                    let state = TaskFormatting.state(of: task, in: graph)
                    let after = task.deps.isEmpty ? "" : style.dim("  <- " + task.deps.map { graph.abbreviation(of: $0) }.joined(separator: ", "))
                    out += "\(style.cyan(graph.abbreviation(of: task.id))) \(TaskFormatting.colored(state, style)) \(FieldRules.escaped(task.title))\(after)\n"
                }
                context.console.write(Array(out.utf8))
            }
            try context.reportCorruption(in: snapshot, cycles: true)
        }

        private func dotEscape(_ text: String) -> String {
            FieldRules.escaped(text).replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
        }

        private func dotColor(_ state: String) -> String {
            ["ready": "green", "claimed": "orange", "done": "blue", "failed": "red"][state] ?? "gray"
        }
    }
}
