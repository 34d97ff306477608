public import ArgumentParser
import GitOrchCLI

/// The catalog commands, in their own executable (`git-orch-catalog`) that `git orch roles|
/// missions|skills` hands over to: the YAML parser and full Foundation they need stay out of the
/// binary every other command starts. Usage lines read `git-orch ...`, as users type them.
public struct GitOrchCatalog: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "git-orch",
        abstract: "git-orch's catalog: roles, missions and skills.",
        subcommands: [Roles.self, Missions.self, Skills.self]
    )

    public init() {}
}
