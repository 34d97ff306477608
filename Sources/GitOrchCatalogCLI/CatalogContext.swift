#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GitKit
import GitOrchCLI
import OrchCatalog
import OrchModel
import OrchTools
import ProcessKit

/// The catalog as the commands see it: shipped roles, missions and skills, plus the current
/// repository's `.orch/` overrides when run inside one.
struct CatalogContext {
    let catalog: Catalog
    let console: Console
    /// The working tree of the repository around the working directory, if any.
    let repositoryRoot: String?
    /// `git config orch.skillRanker`, read with the same repository handle.
    let skillRanker: String?

    static func load() -> CatalogContext {
        let repository = try? Repository.discoverFromEnvironment()
        let root = repository?.workingDirectory
        let ranker = (try? repository?.configString("orch.skillRanker")).flatMap { $0 }
        let loader = CatalogLoader(shippedRoot: CatalogLoader.defaultShippedRoot(executable: RunningProgram.path), overrideRoot: root.map { $0 + "/.orch" })
        return CatalogContext(catalog: loader.load(), console: Console.current, repositoryRoot: root, skillRanker: ranker)
    }

    var style: Style { Style(enabled: console.usesColor) }

    /// The skill selector, with stage 2 wired to `git config orch.skillRanker` when it is set.
    func selector() -> SkillSelector {
        var selector = SkillSelector(skills: catalog.skills, profiles: catalog.profiles)
        if let command = skillRanker, !command.isEmpty {
            selector.ranker = { task, candidates in SkillRanker.ask(command: command, task: task, candidates: candidates) }
        }
        return selector
    }

    /// Issues in files of one kind (`Roles`, `Missions`, `Skills`), shipped or overriding.
    func issues(of kind: String) -> [CatalogIssue] {
        catalog.issues.filter { $0.file.contains("/\(kind)/") || $0.file.contains("/\(kind.lowercased())/") || $0.file.hasPrefix("\(kind)/") }
    }

    /// Prints the issues as warnings; the caller exits 2 after printing what did load.
    func reportIssues(of kind: String) throws(CLIError) {
        var problems = issues(of: kind).map(\.description)
        guard let last = problems.popLast() else { return }
        for problem in problems { console.writeError("git-orch: warning: \(problem)") }
        throw .partial(last)
    }

    /// The `validate` commands: every problem in files of `kinds` with file and field, exit 128
    /// when there is one; `summary` is printed when all is well.
    func validate(kinds: [String], summary: String, json: Bool) throws {
        let problems = kinds.flatMap { issues(of: $0) }
        if json {
            try writeJSON(problems.map { ["file": $0.file, "field": $0.field ?? "", "message": $0.message] })
        } else if problems.isEmpty {
            console.print(summary)
        }
        guard let last = problems.last else { return }
        if !json { for problem in problems.dropLast() { console.writeError("git-orch: error: \(problem)") } }
        throw CLIError.input(json ? "\(problems.count) problems" : last.description)
    }

    func writeJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        console.write(Array(try encoder.encode(value)) + [0x0a])
    }

    /// An aligned two-or-more column table.
    func table(_ header: [String], _ rows: [[String]]) -> String { TextTable.render(header, rows, style: style) }
}
