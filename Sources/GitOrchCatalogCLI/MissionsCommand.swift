import ArgumentParser
import GitOrchCLI
import OrchCatalog
import OrchModel

extension GitOrchCatalog {
    /// `git orch missions list|show|validate`
    struct Missions: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Team presets: shipped in Missions/, added or overridden in .orch/missions/.",
            subcommands: [List.self, Show.self, Validate.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List missions that pass validation.")
            @OptionGroup var output: JSONOption

            func run() throws {
                let context = CatalogContext.load()
                let missions = context.catalog.missions.values.sorted { $0.id < $1.id }
                if output.json {
                    try context.writeJSON(missions)
                } else {
                    context.console.write(Array(context.table(
                        ["ID", "AGENTS", "BUDGET", "TEST", "TITLE"],
                        missions.map { [$0.id, String($0.teamSize), "$\(Int($0.budgetUSD))", $0.testCommand, $0.title] }).utf8))
                }
                try context.reportIssues(of: "Missions")
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show a mission's team, models and starting tasks.")
            @Argument(help: "Mission id.") var id: String
            @OptionGroup var output: JSONOption

            func run() throws {
                let context = CatalogContext.load()
                guard let mission = context.catalog.missions[id] else {
                    let broken = context.issues(of: "Missions").first { $0.file.hasSuffix("/\(id).json") }
                    throw CLIError.input(broken.map(\.description) ?? "no mission '\(FieldRules.printable(id))' (see 'git orch missions list')")
                }
                if output.json { return try context.writeJSON(mission) }
                var lines = [
                    "\(context.style.bold(mission.title)) (\(mission.id)): \(mission.description)",
                    "agents: \(mission.teamSize), at most \(mission.maxConcurrency) at once; budget $\(Int(mission.budgetUSD)); tests: \(mission.testCommand)",
                    "", "team:",
                ]
                for member in mission.team {
                    lines.append("  \(member.count) x \(member.role) (\(mission.models[member.role]?.rawValue ?? "?"))")
                }
                lines.append("")
                lines.append("starting tasks:")
                for task in mission.startingTasks {
                    let after = (task.after ?? []).isEmpty ? "" : " after \((task.after ?? []).joined(separator: ", "))"
                    lines.append("  [\(task.ref)] \(task.title) (\(task.role ?? "any role"))\(after)")
                }
                context.console.print(lines.joined(separator: "\n"))
            }
        }

        struct Validate: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check every mission (and the roles they use): prints each problem with file and field.",
                discussion: "Exit status 0 when all are valid, 128 otherwise.")
            @OptionGroup var output: JSONOption

            func run() throws {
                let context = CatalogContext.load()
                try context.validate(
                    kinds: ["Missions", "Roles"], summary: "\(context.catalog.missions.count) missions and \(context.catalog.roles.count) roles are valid",
                    json: output.json)
            }
        }
    }
}
