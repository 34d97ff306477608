import ArgumentParser
import GitOrchCatalogCLI
import GitOrchCLI
import GitOrchDashboardCLI
import GitOrchRunCLI

/// `git orch` as documented: git-orch's own tree, with each command that `git-orch` hands over to
/// a companion (a stub that forwards its arguments unparsed) replaced by the companion's real
/// command, options and subcommands included. The manual page and the shell completions are
/// generated from it, so they know every option without `git-orch` linking the runtime.
struct GitOrchManual: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: GitOrch.configuration.commandName,
        abstract: GitOrch.configuration.abstract,
        discussion: GitOrch.configuration.discussion,
        version: GitOrch.configuration.version,
        subcommands: CommandTree.subcommands
    )
}

enum CommandTree {
    /// The roots of the companion executables; their commands are the real ones.
    static let companionRoots: [any ParsableCommand.Type] = [GitOrchRun.self, GitOrchCatalog.self, GitOrchDashboard.self]

    /// git-orch's subcommands in its own order, each stub replaced by the companion command of the
    /// same name. Commands a companion keeps to itself (the hidden `__worker`) are not in git-orch's
    /// tree, so they stay out.
    static var subcommands: [any ParsableCommand.Type] {
        var real: [String: any ParsableCommand.Type] = [:]
        for root in companionRoots {
            for command in root.configuration.subcommands { real[command._commandName] = command }
        }
        return GitOrch.configuration.subcommands.map { real[$0._commandName] ?? $0 }
    }

    /// Whether `command` is one of the tree's commands, at any depth (not ArgumentParser's own
    /// `help`, nor the root).
    static func contains(_ command: any ParsableCommand.Type) -> Bool {
        func search(_ commands: [any ParsableCommand.Type]) -> Bool {
            commands.contains { ObjectIdentifier($0) == ObjectIdentifier(command) || search($0.configuration.subcommands) }
        }
        return search(subcommands)
    }
}
