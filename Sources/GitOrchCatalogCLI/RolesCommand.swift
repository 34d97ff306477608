import ArgumentParser
import GitOrchCLI
import OrchCatalog
import OrchModel

extension GitOrchCatalog {
    /// `git orch roles list|show`
    struct Roles: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The agent roles: shipped in Roles/, added or overridden in .orch/roles/.",
            subcommands: [List.self, Show.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List roles.")
            @OptionGroup var output: JSONOption

            func run() throws {
                let context = CatalogContext.load()
                let roles = context.catalog.roles.values.sorted { $0.id < $1.id }
                if output.json {
                    try context.writeJSON(roles)
                } else {
                    context.console.write(Array(context.table(
                        ["ID", "KIND", "TIER", "PROFILE", "TITLE"],
                        roles.map { [$0.id, $0.kind.rawValue, $0.modelTier.rawValue + ($0.mayEscalate ? "+" : ""), $0.skillsProfile, $0.title] }).utf8))
                }
                try context.reportIssues(of: "Roles")
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show a role and its prompt.")
            @Argument(help: "Role id or alias.") var id: String
            @OptionGroup var output: JSONOption

            func run() throws {
                let context = CatalogContext.load()
                guard let role = context.catalog.role(id) else {
                    throw CLIError.input("no role '\(FieldRules.printable(id))' (see 'git orch roles list')")
                }
                if output.json { return try context.writeJSON(role) }
                let aliases = role.aliases.isEmpty ? "" : ", also " + role.aliases.joined(separator: ", ")
                context.console.print("""
                    \(context.style.bold(role.title)) (\(role.id)\(aliases))
                    kind: \(role.kind.rawValue)   model tier: \(role.modelTier.rawValue)\(role.mayEscalate ? " (may escalate to strong)" : "")   profile: \(role.skillsProfile)
                    capabilities: \(role.capabilities.map(\.rawValue).joined(separator: ", "))
                    owns: \(role.owns.isEmpty ? "-" : role.owns.joined(separator: ", "))
                    source: \(role.source)

                    \(role.prompt)
                    """)
            }
        }
    }
}
