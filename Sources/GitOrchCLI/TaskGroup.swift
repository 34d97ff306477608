import ArgumentParser

extension GitOrch {
    /// `git orch task ...`
    struct TaskGroup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "task",
            abstract: "Add, inspect and change tasks in the graph.",
            subcommands: [Add.self, List.self, Show.self, Dep.self, Done.self, Fail.self, Release.self, Import.self])
    }
}

/// The `--json` flag shared by listing commands.
package struct JSONOption: ParsableArguments {
    package init() {}
    @Flag(name: .long, help: "Print JSON (format in docs/state-format.md) instead of a table.")
    package var json = false
}
