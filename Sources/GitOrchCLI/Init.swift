import ArgumentParser
import OrchStore

extension GitOrch {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the task graph (refs/orch/graph) in this repository.",
            discussion: "Safe to run again: an existing graph is left as it is.")

        func run() throws {
            let context = try Context.open()
            let created: Bool
            do { created = try context.store.initialize() } catch { throw CLIError.store(error) }
            context.console.print(created
                ? "Initialized git-orch task graph in \(StateRefs.graph)"
                : "git-orch task graph already exists in \(StateRefs.graph)")
        }
    }
}
