import Foundation
import ArgumentParser
import OrchCatalog
import OrchModel

extension GitOrch {
    /// `git orch skills list|show|select|validate`
    struct Skills: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The skill pool: manifests in Skills/<category>/, added or overridden in .orch/skills/.",
            subcommands: [List.self, Show.self, Select.self, Validate.self])

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List skills.")
            @Option(help: "Only this category.") var category: String?
            @OptionGroup var output: JSONOption

            func run() throws {
                let context = CatalogContext.load()
                let skills = context.catalog.skills.values.filter { category == nil || $0.category == category }
                    .sorted { ($0.category, $0.id) < ($1.category, $1.id) }
                if output.json {
                    try context.writeJSON(skills)
                } else {
                    context.console.write(Array(context.table(
                        ["ID", "CATEGORY", "DESCRIPTION"], skills.map { [$0.id, $0.category, $0.shortDescription] }).utf8))
                }
                try context.reportIssues(of: "Skills")
            }
        }

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show one skill.")
            @Argument(help: "Skill id.") var id: String
            @OptionGroup var output: JSONOption

            func run() throws {
                let context = CatalogContext.load()
                guard let skill = context.catalog.skills[id] else {
                    throw CLIError.input("no skill '\(FieldRules.printable(id))' (see 'git orch skills list')")
                }
                if output.json { return try context.writeJSON(skill) }
                var lines = ["\(context.style.bold(skill.name)) (\(skill.id) \(skill.version), \(skill.category))", skill.description, ""]
                if !skill.requires.isEmpty { lines.append("requires: \(skill.requires.joined(separator: ", "))") }
                if !skill.conflicts.isEmpty { lines.append("conflicts: \(skill.conflicts.joined(separator: ", "))") }
                if !skill.enhancedBy.isEmpty { lines.append("enhanced by: \(skill.enhancedBy.joined(separator: ", "))") }
                lines.append("side effects: \(skill.sideEffects.isEmpty ? "none" : skill.sideEffects.joined(separator: ", "))\(skill.requiresConfirmation ? " (asks for confirmation)" : "")")
                switch skill.handler {
                case .command(let argv): lines.append("runs: \(argv.joined(separator: " "))")
                case .prompt(let instructions): lines.append("instructions: \(instructions)")
                }
                context.console.print(lines.joined(separator: "\n"))
            }
        }

        struct Select: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Pick the skills a task needs (3 to 8), best first.",
                discussion: "Ranks with BM25 over names, tags, descriptions and trigger examples, then adds required skills, drops conflicting ones and fills up with the role's core skills.")
            @Argument(help: "The task: its title and description.") var text: String
            @Option(help: "The role doing the task: adds its core skills.") var role: String?
            @Option(name: .customLong("category"), help: "Only skills in this category. Repeatable.") var categories: [String] = []
            @Option(name: .customLong("tag"), help: "Only skills with this tag. Repeatable.") var tags: [String] = []
            @OptionGroup var output: JSONOption

            func run() throws {
                let context = CatalogContext.load()
                var worker: Role?
                if let role {
                    guard let found = context.catalog.role(role) else {
                        throw CLIError.input("no role '\(FieldRules.printable(role))' (see 'git orch roles list')")
                    }
                    worker = found
                }
                let selector = SkillSelector(skills: context.catalog.skills, profiles: context.catalog.profiles)
                let matches: [SkillSelector.Match]
                do {
                    matches = try selector.select(for: text, role: worker, categories: Set(categories), tags: Set(tags))
                } catch {
                    throw CLIError.input(error.description)
                }
                if output.json {
                    try context.writeJSON(matches.map { SelectedSkill(id: $0.skill.id, score: ($0.score * 1000).rounded() / 1000, reason: $0.reason) })
                } else {
                    context.console.write(Array(context.table(
                        ["SKILL", "SCORE", "WHY"], matches.map { [$0.skill.id, $0.score > 0 ? String(format: "%.2f", $0.score) : "-", $0.reason] }).utf8))
                }
            }
        }

        struct Validate: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check every skill manifest against Skills/schema/skill.schema.json and the relations between skills.",
                discussion: "Exit status 0 when all are valid, 128 otherwise.")
            @OptionGroup var output: JSONOption

            func run() throws {
                let context = CatalogContext.load()
                let problems = context.issues(of: "Skills")
                if output.json {
                    try context.writeJSON(problems.map { ["file": $0.file, "field": $0.field ?? "", "message": $0.message] })
                } else if problems.isEmpty {
                    context.console.print("\(context.catalog.skills.count) skills are valid")
                }
                guard problems.isEmpty else {
                    if !output.json { for problem in problems.dropLast() { context.console.writeError("git-orch: error: \(problem)") } }
                    throw CLIError.input(output.json ? "\(problems.count) problems" : problems.last!.description)
                }
            }
        }
    }
}

private struct SelectedSkill: Encodable {
    var id: String
    var score: Double
    var reason: String
}
