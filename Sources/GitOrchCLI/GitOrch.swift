public import ArgumentParser

/// `git orch`: the root command. git runs `git-orch` from PATH for `git orch ...`.
public struct GitOrch: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "git-orch",
        abstract: "Run a team of coding agents on one repository, with all coordination state in git.",
        discussion: "State lives under refs/orch/* (see docs/state-format.md). Run 'git orch init' first.",
        version: "0.1.0",
        subcommands: [
            Init.self, TaskGroup.self, Ready.self, Claim.self, Graph.self, Log.self,
            Sync.self, Clone.self, Remote.self, Roles.self, Missions.self, Skills.self, Mcp.self,
            Start.self, Status.self, Stop.self, Restart.self, Scale.self, Input.self, Logs.self, Msg.self,
            Queue.self, Conflicts.self, Hooks.self, Demo.self, Handoff.self, Resume.self, Dashboard.self, Doctor.self,
        ]
    )

    public init() {}
}

/// Runs the command line and returns the exit status, printing errors as one line on stderr.
public enum GitOrchMain {
    public static func run(_ arguments: [String]) -> Int32 { run(GitOrch.self, arguments) }

    /// Runs `Root` (the main command set, or another executable's) with git-orch's error handling.
    public static func run<Root: ParsableCommand>(_ root: Root.Type, _ arguments: [String]) -> Int32 {
        let console = Console.current
        do {
            var command = try Root.parseAsRoot(arguments)
            try command.run()
            return 0
        } catch CLIError.exit(let status) {
            return status
        } catch let error as CLIError {
            console.writeError("git-orch: \(error.exitCode == 2 ? "warning" : "error"): \(error)")
            return error.exitCode
        } catch {
            let code = Root.exitCode(for: error)
            if code == .success {
                console.print(Root.fullMessage(for: error))
                return 0
            }
            console.writeError("git-orch: error: \(Root.message(for: error)) (see 'git orch --help')")
            return code.rawValue
        }
    }
}
