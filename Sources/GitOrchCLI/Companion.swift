#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import ProcessKit

/// Commands served by a companion executable installed next to `git-orch`: the process is
/// replaced (`execv`), so arguments, standard input and output, and the exit status are the
/// companion's. Keeping heavy libraries there keeps every other command's start-up lean.
enum Companion {
    static func exec(_ companion: String, _ arguments: [String]) throws(CLIError) -> Never {
        guard let path = RunningProgram.executableSibling(companion) else {
            throw .input("\(RunningProgram.sibling(companion)) is missing; reinstall git-orch (./install.sh)")
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        execv(path, argv)
        throw .input("cannot start \(path): \(String(cString: strerror(errno)))")
    }
}

extension GitOrch {
    struct Roles: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "roles",
            abstract: "The agent roles: shipped in Roles/, added or overridden in .orch/roles/.", helpNames: [])
        @Argument(parsing: .allUnrecognized, help: "list | show ID") var arguments: [String] = []
        func run() throws { try Companion.exec("git-orch-catalog", ["roles"] + arguments) }
    }

    struct Missions: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "missions",
            abstract: "Team presets: shipped in Missions/, added or overridden in .orch/missions/.", helpNames: [])
        @Argument(parsing: .allUnrecognized, help: "list | show ID | validate") var arguments: [String] = []
        func run() throws { try Companion.exec("git-orch-catalog", ["missions"] + arguments) }
    }

    struct Skills: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "skills",
            abstract: "The skill pool: manifests in Skills/<category>/, added or overridden in .orch/skills/.", helpNames: [])
        @Argument(parsing: .allUnrecognized, help: "list | show ID | select TEXT | validate | import DIR") var arguments: [String] = []
        func run() throws { try Companion.exec("git-orch-catalog", ["skills"] + arguments) }
    }
}
