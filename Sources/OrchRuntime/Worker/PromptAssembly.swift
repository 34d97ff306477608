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
    let record: WorkerRecord
    let repository: Repository
    let catalog: Catalog
    let channel: WorkerChannel
    let paths: RuntimePaths
    let worktree: String
    let mainBranch: String
    let memory: WorkerMemory

    /// Built once per worker: indexing the skill pool is the same work for every task.
    private lazy var skillSelector = SkillSelector(skills: catalog.skills, profiles: catalog.profiles)

    init(record: WorkerRecord, repository: Repository, catalog: Catalog, channel: WorkerChannel, paths: RuntimePaths,
         worktree: String, mainBranch: String, memory: WorkerMemory) {
        self.record = record
        self.repository = repository
        self.catalog = catalog
        self.channel = channel
        self.paths = paths
        self.worktree = worktree
        self.mainBranch = mainBranch
        self.memory = memory
    }

    struct Prompt {
        var text: String
        /// Where `text` is written, for agents that read their prompt from a file.
        var file: String
        var skills: [Skill]
    }

    /// The role the task asks for, else the worker's first.
    func role(for task: Task) -> Role? {
        task.role.flatMap { catalog.role($0) } ?? record.roles.first.flatMap { catalog.role($0) }
    }

    /// The prompt for one run on `task`, written to its file.
    func prompt(for task: Task, role: Role?) -> Prompt {
        let skills = selectSkills(for: task, role: role)
        let messages: [WorkerMessage]
        do { messages = try Inbox(repository: repository).deliver(to: record.name) } catch {
            messages = []
            channel.warn("messages for \(record.name) not delivered: \(error.description)")
        }
        var handoff: (path: String, text: String)?
        do { handoff = try HandoffStore(repository: repository).latestDocument(for: record.name) } catch {
            channel.warn("the hand-off document for \(record.name) cannot be read: \(error.description)")
        }
        let text = PromptBuilder.build(PromptContext(
            worker: record, task: task, role: role, skills: skills, handoff: handoff?.text, messages: messages,
            repositoryContext: repositoryContext(), previousFailure: previousAttempts(of: task)))
        let file = paths.prompts + "/\(record.name)-\(task.id.hex).md"
        if !FileManager.default.createFile(atPath: file, contents: Data(text.utf8)) {
            channel.warn("cannot write the prompt file \(file)", task: task.id)
        }
        return Prompt(text: text, file: file, skills: skills)
    }

    private func selectSkills(for task: Task, role: Role?) -> [Skill] {
        let text = task.title + "\n" + task.body + "\n" + task.labels.joined(separator: " ")
        do { return try skillSelector.select(for: text, role: role).map(\.skill) } catch {
            channel.warn("no skills for this task: the catalog's selection failed (\(error))", task: task.id)
            return []
        }
    }

    private func repositoryContext() -> String {
        // A few lines of orientation: without them the prompt still has the task and the worktree.
        let recent = (try? GitCLI(directory: worktree).output(["log", "--oneline", "-5", mainBranch])) ?? ""
        return """
        Worktree: \(worktree)
        Your branch: \(record.branch), started from \(mainBranch)
        Recent commits on \(mainBranch):
        \(recent)
        """
    }

    /// The last failure's reason and the kept work of earlier attempts, for a retry's prompt.
    private func previousAttempts(of task: Task) -> String? {
        var parts = memory.lastFailure(of: task.id).map { [$0] } ?? []
        do {
            if let note = try AttemptKeeper.promptNote(for: task.id, repository: repository, worktree: worktree) { parts.append(note) }
        } catch {
            channel.send(RuntimeEvent(.warning, task: task.id, message: "could not read earlier attempts: \(error.description)"))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
    }
}
