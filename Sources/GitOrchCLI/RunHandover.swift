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
}
