import ArgumentParser
import OrchStore
import OrchModel

/// `task done`, `task fail` and `task release`: move one task to another status.
extension GitOrch.TaskGroup {
    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "done", abstract: "Mark a task done (its dependencies must be done).")

        @Argument(help: "Task id or unique prefix.")
        var id: String

        func run() throws { try transition(id) { .complete($0) } }
    }

    struct Fail: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "fail", abstract: "Mark a task failed, saying why.")

        @Argument(help: "Task id or unique prefix.")
        var id: String

        @Option(help: "Why it failed.")
        var reason: String

        func run() throws { try transition(id) { .fail($0, reason: reason) } }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "release",
            abstract: "Put a claimed or failed task back to open so it can be claimed again.")

        @Argument(help: "Task id or unique prefix.")
        var id: String

        func run() throws { try transition(id) { .release($0) } }
    }
}

private func transition(_ id: String, _ operation: (TaskID) -> GraphOperation) throws {
    let context = try Context.open()
    let snapshot = try context.snapshot()
    let applied = try context.apply(operation(try context.resolve(id, in: snapshot)))
    context.console.print(applied.outcome.summary)
}
