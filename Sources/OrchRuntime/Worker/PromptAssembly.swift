import Foundation
import GitKit
import OrchCatalog
import OrchModel
import OrchStore

/// Gathers what an agent's prompt says besides the task (the role, the skills that fit, the
/// worker's inbox and hand-off document, where it works, what earlier attempts left) and writes
/// the prompt file (`PromptBuilder` lays it out). A piece that cannot be read is said and left out:
/// the agent can still work on the task without it.
final class PromptAssembly {
    let scope: WorkerScope
    let catalog: Catalog

    /// Built once per worker: indexing the skill pool is the same work for every task.
    private lazy var skillSelector = SkillSelector(skills: catalog.skills, profiles: catalog.profiles)

    init(scope: WorkerScope, catalog: Catalog) {
        self.scope = scope
        self.catalog = catalog
    }

    struct Prompt {
        var text: String
        /// Where `text` is written, for agents that read their prompt from a file.
        var file: String
        var skills: [Skill]
    }

    /// The role the task asks for, else the worker's first.
    func role(for task: Task) -> Role? {
        task.role.flatMap { catalog.role($0) } ?? scope.record.roles.first.flatMap { catalog.role($0) }
    }

    /// The prompt for one run on `task`, written to its file.
    func prompt(for task: Task, role: Role?) -> Prompt {
        let skills = selectSkills(for: task, role: role)
        let messages: [WorkerMessage]
        do { messages = try Inbox(repository: scope.repository).deliver(to: scope.record.name) } catch {
            messages = []
            scope.channel.warn("messages for \(scope.record.name) not delivered: \(error.description)")
        }
        var handoff: (path: String, text: String)?
        do { handoff = try HandoffStore(repository: scope.repository).latestDocument(for: scope.record.name) } catch {
            scope.channel.warn("the hand-off document for \(scope.record.name) cannot be read: \(error.description)")
        }
        let text = PromptBuilder.build(PromptContext(
            worker: scope.record, task: task, role: role, skills: skills, handoff: handoff?.text, messages: messages,
            repositoryContext: repositoryContext(), previousFailure: previousAttempts(of: task)))
        let file = scope.paths.prompts + "/\(scope.record.name)-\(task.id.hex).md"
        if !FileManager.default.createFile(atPath: file, contents: Data(text.utf8)) {
            scope.channel.warn("cannot write the prompt file \(file)", task: task.id)
        }
        return Prompt(text: text, file: file, skills: skills)
    }

    private func selectSkills(for task: Task, role: Role?) -> [Skill] {
        let text = task.title + "\n" + task.body + "\n" + task.labels.joined(separator: " ")
        do { return try skillSelector.select(for: text, role: role).map(\.skill) } catch {
            scope.channel.warn("no skills for this task: the catalog's selection failed (\(error))", task: task.id)
            return []
        }
    }

    private func repositoryContext() -> String {
        // A few lines of orientation: without them the prompt still has the task and the worktree.
        let recent = (try? GitCLI(directory: scope.worktree).output(["log", "--oneline", "-5", scope.mainBranch])) ?? ""
        return """
        Worktree: \(scope.worktree)
        Your branch: \(scope.record.branch), started from \(scope.mainBranch)
        Recent commits on \(scope.mainBranch):
        \(recent)
        """
    }

    /// The last failure's reason and the kept work of earlier attempts, for a retry's prompt.
    private func previousAttempts(of task: Task) -> String? {
        var parts = scope.memory.lastFailure(of: task.id).map { [$0] } ?? []
        do {
            if let note = try AttemptKeeper.promptNote(for: task.id, repository: scope.repository, worktree: scope.worktree) { parts.append(note) }
        } catch {
            scope.channel.send(RuntimeEvent(.warning, task: task.id, message: "could not read earlier attempts: \(error.description)"))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
    }
}
