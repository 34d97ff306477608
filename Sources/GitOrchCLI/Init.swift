import ArgumentParser
import GitKit
import OrchStore

extension GitOrch {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create the task graph (refs/orch/graph) in this repository.",
            discussion: """
            Safe to run again: an existing graph is left as it is. When orch.testCommand is not set, init looks for the \
            project's test command (a Makefile test target, package.json's scripts.test, Cargo.toml, go.mod, pytest in \
            pyproject.toml, pytest.ini or setup.cfg, Package.swift) and proposes it; --yes stores it.
            """)

        @Flag(name: [.short, .long], help: "Store the proposed test command in orch.testCommand (it turns the merge queue on).")
        var yes = false

        func run() throws {
            let context = try Context.open()
            let created: Bool
            do { created = try context.store.initialize() } catch { throw CLIError.store(error) }
            context.console.print(created
                ? "Initialized git-orch task graph in \(StateRefs.graph)"
                : "git-orch task graph already exists in \(StateRefs.graph)")
            try proposeTestCommand(context)
        }

        /// Says which test command the project declares, and stores it with --yes.
        private func proposeTestCommand(_ context: Context) throws(CLIError) {
            let repository = context.store.repository
            let current: String?
            do { current = try repository.configString("orch.testCommand") } catch { throw .store(.git(error)) }
            if let current {
                context.console.print("test command: '\(current)' (orch.testCommand)")
                return
            }
            guard let root = repository.workingDirectory else { return }
            let found = TestCommandDetection.detect(in: root)
            guard let proposal = found.first else {
                context.console.print("no test command found; set one to turn the merge queue on: git config orch.testCommand 'COMMAND'")
                return
            }
            let others = found.dropFirst().map(\.description)
            let alternatives = others.isEmpty ? "" : " (also found: \(others.joined(separator: ", ")))"
            if yes {
                do { try repository.setConfigString("orch.testCommand", proposal.command) } catch { throw .store(.git(error)) }
                context.console.print("orch.testCommand set to \(proposal)\(alternatives)")
            } else {
                context.console.print("found the test command \(proposal)\(alternatives); accept it with 'git orch init --yes', "
                    + "or set another: git config orch.testCommand 'COMMAND'")
            }
        }
    }
}
