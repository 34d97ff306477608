import ArgumentParser
import OrchStore
import OrchModel

extension GitOrch.TaskGroup {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List tasks in dependency order.",
            discussion: "STATE is ready or blocked for open tasks, else claimed, done or failed.")

        @Option(help: "Only tasks in this state: \(Self.states.joined(separator: ", ")).")
        var status: String?

        @Option(help: "Only tasks for this role.")
        var role: String?

        @OptionGroup var output: JSONOption

        static let states = ["open", "ready", "blocked", "claimed", "done", "failed"]

        func validate() throws {
            if let role { do { try FieldRules.validateRole(role) } catch { throw ValidationError(error.description) } }
            if let status, !Self.states.contains(status) {
                throw ValidationError("unknown status '\(FieldRules.printable(status))'; use one of \(Self.states.joined(separator: ", "))")
            }
        }

        func run() throws {
            let context = try Context.open()
            let snapshot = try context.snapshot()
            let graph = snapshot.graph
            let tasks = graph.topologicalOrder().filter { task in
                if let role, task.role != role { return false }
                guard let status else { return true }
                return status == "open" ? task.status == .open : TaskFormatting.state(of: task, in: graph) == status
            }
            if output.json {
                context.console.write(TaskJSON.encodeArray(tasks))
            } else {
                context.console.write(Array(TaskFormatting.table(tasks, graph: graph, style: context.style).utf8))
            }
            try context.reportCorruption(in: snapshot, cycles: true)
        }
    }
}
