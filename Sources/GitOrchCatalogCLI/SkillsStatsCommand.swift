import ArgumentParser
import Foundation
import GitKit
import GitOrchCLI
import OrchModel
import OrchStore

extension GitOrchCatalog.Skills {
    /// `git orch skills stats`: which skills workers' prompts carried, from refs/orch/ledger.
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count the skills selected for tasks, by task type (role), from the cost ledger.")
        @OptionGroup var output: JSONOption

        func run() throws {
            let context = CatalogContext.load()
            guard let repository = try? Repository.discoverFromEnvironment() else {
                throw CLIError.notARepository(FileManager.default.currentDirectoryPath)
            }
            let entries: [LedgerEntry]
            do { entries = try Ledger(repository: repository).entries() } catch { throw CLIError.input(error.description) }
            let usage = SkillUsage.tally(entries)
            if output.json {
                try context.writeJSON(usage)
                return
            }
            if usage.isEmpty {
                context.console.print("no agent runs recorded yet (refs/orch/ledger is empty)")
                return
            }
            let rows = usage.map { item in
                [item.skill, "\(item.tasks)", item.byTaskType.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                    .map { "\($0.key) \($0.value)" }.joined(separator: ", ")]
            }
            context.console.write(Array(context.table(["SKILL", "TASKS", "BY TASK TYPE"], rows).utf8))
        }
    }
}
