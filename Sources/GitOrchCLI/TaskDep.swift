import ArgumentParser
import OrchModel
import OrchStore

extension GitOrch.TaskGroup {
    struct Dep: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dep",
            abstract: "Make a task wait for another (refused if it would close a cycle).")

        @Argument(help: "The task that must wait.")
        var id: String

        @Option(help: "The task it waits for.")
        var on: String

        @Flag(help: "Remove the dependency instead.")
        var remove = false

        func run() throws {
            let context = try Context.open()
            let snapshot = try context.snapshot()
            let task = try context.resolve(id, in: snapshot)
            let dep = try context.resolve(on, in: snapshot)
            let applied = try context.apply(remove ? .removeDependency(task, on: dep) : .addDependency(task, on: dep))
            context.console.print(applied.outcome.summary)
        }
    }
}
