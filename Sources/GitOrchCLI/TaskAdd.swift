import ArgumentParser
import OrchStore
import OrchModel

extension GitOrch.TaskGroup {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a task; prints its full id alone on stdout.")

        @Argument(help: "One line saying what to do.")
        var title: String

        @Option(help: "Role a worker needs to take the task (e.g. backend-dev).")
        var role: String?

        @Option(name: .customLong("after"), help: "A task (id or unique prefix) that must be done first. Repeatable.")
        var after: [String] = []

        @Option(help: "Higher runs first (-1000...1000).")
        var priority: Int = 0

        @Option(help: "Details for the agent.")
        var body: String = ""

        @Option(name: .customLong("label"), help: "A label. Repeatable.")
        var labels: [String] = []

        @Option(name: .customLong("file"), help: "A file glob the task will touch. Repeatable.")
        var files: [String] = []

        func run() throws {
            let context = try Context.open()
            let snapshot = try context.snapshot()
            var deps: [TaskID] = []
            for text in after { deps.append(try context.resolve(text, in: snapshot)) }
            let task: Task
            do {
                task = try context.store.addTask(
                    title: title, body: body, role: role, priority: priority, deps: deps, labels: labels, files: files)
            } catch {
                throw CLIError.store(error)
            }
            context.console.print(task.id.hex)
        }
    }
}
