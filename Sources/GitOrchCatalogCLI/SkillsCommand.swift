import Foundation
import ArgumentParser
import GitOrchCLI
import OrchCatalog
import OrchModel

extension GitOrchCatalog {
    /// `git orch skills list|show|select|validate`
    struct Skills: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The skill pool: manifests in Skills/<category>/, added or overridden in .orch/skills/.",
            subcommands: [List.self, Show.self, Select.self, Validate.self, Import.self, Stats.self])

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

            func validate() throws {
                if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    throw ValidationError("the task text is empty: give its title and description, e.g. git orch skills select \"Fix the flaky login test\"")
                }
            }

            func run() throws {
                let context = CatalogContext.load()
                var worker: Role?
                if let role {
                    guard let found = context.catalog.role(role) else {
                        throw CLIError.input("no role '\(FieldRules.printable(role))' (see 'git orch roles list')")
                    }
                    worker = found
                }
                let selector = context.selector()
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
                try context.validate(kinds: ["Skills"], summary: "\(context.catalog.skills.count) skills are valid", json: output.json)
            }
        }
    }
}

extension GitOrchCatalog.Skills {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert SKILL.md skill folders into manifests, all or nothing.",
            discussion: """
                Each SKILL.md (front matter with name and description, instructions below) becomes \
                <output>/<category>/<id>.skill.json with a prompt handler. The category is guessed from \
                the closest shipped skills unless --category is given. The default output is this \
                repository's .orch/skills, where git-orch picks the skills up.
                """)
        @Argument(help: "A folder holding SKILL.md files (searched recursively).") var folder: String
        @Option(help: "Category for every imported skill.") var category: String?
        @Option(help: "Where to write manifests (default: <repository>/.orch/skills).") var output: String?
        @Flag(help: "Replace manifests that already exist.") var force = false
        @OptionGroup var json: JSONOption

        func run() throws {
            let context = CatalogContext.load()
            guard let schema = context.catalog.schema else { throw CLIError.input("the skill schema could not be loaded; see 'git orch skills validate'") }
            guard let destination = output ?? context.repositoryRoot.map({ $0 + "/.orch/skills" }) else {
                throw CLIError.input("not in a git repository: give --output DIR")
            }
            let imported: [SkillImport.Imported]
            do {
                imported = try SkillImport.convert(folder: folder, category: category, schema: schema, existing: context.catalog.skills)
            } catch let issue as CatalogIssue {
                throw CLIError.input(issue.description)
            }
            let manager = FileManager.default
            let targets = imported.map { "\(destination)/\($0.category)/\($0.id).skill.json" }
            if !force, let clash = targets.first(where: { manager.fileExists(atPath: $0) }) {
                throw CLIError.input("\(clash) exists; nothing was written (use --force to replace)")
            }
            for (skill, target) in zip(imported, targets) {
                try manager.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try skill.manifestJSON.write(toFile: target, atomically: true, encoding: .utf8)
            }
            if json.json {
                try context.writeJSON(zip(imported, targets).map { ["id": $0.id, "category": $0.category, "source": $0.source, "manifest": $1] })
            } else {
                for (skill, target) in zip(imported, targets) { context.console.print("\(skill.id)  \(skill.category)  \(target)") }
            }
        }
    }
}

private struct SelectedSkill: Encodable {
    var id: String
    var score: Double
    var reason: String
}
