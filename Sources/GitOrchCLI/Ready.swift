import ArgumentParser
import OrchStore
import OrchModel

extension GitOrch {
    struct Ready: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ready",
            abstract: "List tasks ready to claim, best first (priority, then age).")

        @Option(help: "Only tasks a worker with this role may take.")
        var role: String?

        @OptionGroup var output: JSONOption

        func validate() throws {
            if let role { do { try FieldRules.validateRole(role) } catch { throw ValidationError(error.description) } }
        }

        func run() throws {
            let context = try Context.open()
            if output.json {
                // Scripts poll this: only the ready tasks are decoded from the cache.
                let ready = try context.readyTasks(for: role)
                context.console.write(TaskJSON.encodeArray(ready.tasks))
                try context.reportCorruption(ready.corrupt)
            } else {
                let snapshot = try context.snapshot()
                let ready = snapshot.graph.readyTasks(for: role)
                context.console.write(Array(TaskFormatting.table(ready, graph: snapshot.graph, style: context.style).utf8))
                try context.reportCorruption(in: snapshot)
            }
        }
    }
}
