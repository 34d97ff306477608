import ArgumentParser

/// Commands served by `git-orch-run` (the supervisor, its workers, the merge queue): the main
/// binary hands the whole command line over, so help, errors and exit codes are the companion's.
protocol RunCompanionCommand: ParsableCommand {
    static var name: String { get }
    var arguments: [String] { get }
}

extension RunCompanionCommand {
    func run() throws { try Handover.exec("git-orch-run", [Self.name] + arguments) }
}

extension GitOrch {
    struct Queue: RunCompanionCommand {
        static let configuration = CommandConfiguration(
            abstract: "The merge queue: main only moves to commits whose exact tree passed the tests.", helpNames: [])
        static let name = "queue"
        @Argument(parsing: .allUnrecognized, help: "add BRANCH | list | run | status | remove ID") var arguments: [String] = []
    }

    struct Conflicts: RunCompanionCommand {
        static let configuration = CommandConfiguration(
            abstract: "Predict conflicts between worker branches (and with main) by in-memory merges.", helpNames: [])
        static let name = "conflicts"
        @Argument(parsing: .allUnrecognized, help: "[BRANCH...] [--json]") var arguments: [String] = []
    }

    struct Hooks: RunCompanionCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install the git hooks that keep main on tested commits.", helpNames: [])
        static let name = "hooks"
        @Argument(parsing: .allUnrecognized, help: "install | uninstall | status") var arguments: [String] = []
    }
}
