public import OrchModel

/// What goes into an agent's prompt for one task.
public struct PromptContext: Sendable {
    public var worker: WorkerRecord
    public var task: Task
    public var role: Role?
    public var skills: [Skill]
    /// The worker's latest handoff document, when it has one.
    public var handoff: String?
    public var messages: [WorkerMessage]
    /// Branch, base, recent commits: a few lines of orientation.
    public var repositoryContext: String
    /// Why the previous attempt failed, when this is a retry.
    public var previousFailure: String?

    public init(worker: WorkerRecord, task: Task, role: Role? = nil, skills: [Skill] = [], handoff: String? = nil,
                messages: [WorkerMessage] = [], repositoryContext: String = "", previousFailure: String? = nil) {
        self.worker = worker
        self.task = task
        self.role = role
        self.skills = skills
        self.handoff = handoff
        self.messages = messages
        self.repositoryContext = repositoryContext
        self.previousFailure = previousFailure
    }
}

/// Builds the Markdown prompt an agent gets: role, task, handoff, inbox, skills, repository, and
/// the rules of working inside git-orch.
public enum PromptBuilder {
    public static func build(_ context: PromptContext) -> String {
        let task = context.task
        var sections: [String] = []
        if let role = context.role {
            sections.append("# Role: \(role.title)\n\n\(role.prompt.trimmed)")
        } else {
            sections.append("# Role: software engineer\n\nYou are a careful software engineer working on this repository.")
        }
        var header = "# Your task \(task.id.hex.prefix(8)): \(task.title)\n"
        if let role = task.role { header += "\nRole wanted: \(role)" }
        if !task.labels.isEmpty { header += "\nLabels: \(task.labels.joined(separator: ", "))" }
        if !task.files.isEmpty { header += "\nFiles expected: \(task.files.joined(separator: ", "))" }
        header += "\nAttempt: \(task.attempts)"
        if !task.body.isEmpty { header += "\n\n\(task.body.trimmed)" }
        sections.append(header)
        if let failure = context.previousFailure {
            sections.append("## The previous attempt failed\n\n\(failure.trimmed)")
        }
        if let handoff = context.handoff {
            sections.append("## Handoff from your previous session\n\nContinue from this document:\n\n\(handoff.trimmed)")
        }
        if !context.messages.isEmpty {
            let lines = context.messages.map { "- from \($0.from) (\($0.time)): \($0.text)" }
            sections.append("## Messages for you\n\n" + lines.joined(separator: "\n"))
        }
        if !context.skills.isEmpty {
            let lines = context.skills.map { "- \($0.id): \($0.shortDescription)" }
            sections.append("## Skills for this task\n\n" + lines.joined(separator: "\n"))
        }
        if !context.repositoryContext.isEmpty {
            sections.append("## Repository\n\n\(context.repositoryContext.trimmed)")
        }
        sections.append("""
        ## How to work here
        - You are worker \(context.worker.name) of a git-orch team, in your own git worktree on branch \(context.worker.branch).
        - Make the change the task asks for, in this worktree only, and run the tests that cover it.
        - Do not commit, push or switch branches: git-orch commits your work when you finish.
        - Never write secrets (.env files, keys) into the repository; they are not committed.
        - End with a short summary of what you changed and anything left open.
        """)
        return sections.joined(separator: "\n\n") + "\n"
    }
}

extension String {
    var trimmed: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
