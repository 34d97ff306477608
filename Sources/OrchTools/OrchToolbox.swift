import Foundation
import GitKit
import OrchCatalog
import OrchModel
import OrchStore
import ProcessKit

/// The tools agents call mid-task (served over MCP by `git-orch-mcp`), independent of any
/// protocol library: plain definitions and a `call` that returns JSON text.
public struct OrchToolbox: Sendable {
    public struct Definition: Sendable {
        public struct Property: Sendable {
            public var name: String
            /// JSON Schema type: string, integer or array (of strings).
            public var type: String
            public var description: String
        }
        public var name: String
        public var description: String
        public var properties: [Property]
        public var required: [String]
    }

    /// An argument as the protocol delivered it.
    public enum Argument: Sendable {
        case string(String)
        case integer(Int)
        case strings([String])
    }

    public static let definitions: [Definition] = [
        Definition(name: "discover_skills", description: "The skills (3 to 8) that fit a task description, best first.", properties: [
            .init(name: "task", type: "string", description: "What the task is about"),
            .init(name: "role", type: "string", description: "The role doing it (adds its core skills)"),
        ], required: ["task"]),
        Definition(name: "list_ready_tasks", description: "Tasks ready to claim, best first (priority, then age).", properties: [
            .init(name: "role", type: "string", description: "Only tasks this role may take"),
        ], required: []),
        Definition(name: "claim_task", description: "Claim a task for a worker: the given one, or the best ready one. Atomic across processes.", properties: [
            .init(name: "worker", type: "string", description: "The claiming worker's name"),
            .init(name: "id", type: "string", description: "Task id or unique prefix"),
            .init(name: "role", type: "string", description: "The worker's role"),
        ], required: ["worker"]),
        Definition(name: "complete_task", description: "Mark a task done.", properties: [
            .init(name: "id", type: "string", description: "Task id or unique prefix"),
        ], required: ["id"]),
        Definition(name: "send_message", description: "Leave a message for another worker; its next prompt includes it.", properties: [
            .init(name: "to", type: "string", description: "The recipient worker's name"),
            .init(name: "text", type: "string", description: "The message"),
            .init(name: "from", type: "string", description: "Your worker name (default: $GIT_ORCH_WORKER)"),
        ], required: ["to", "text"]),
        Definition(name: "write_handoff", description: "Store your handoff document (what you did, what remains, how to continue) for your next session.", properties: [
            .init(name: "document", type: "string", description: "The handoff document, Markdown"),
            .init(name: "worker", type: "string", description: "Your worker name (default: $GIT_ORCH_WORKER)"),
            .init(name: "task", type: "string", description: "The task id the document is about"),
        ], required: ["document"]),
        Definition(name: "add_task", description: "Add a task to the graph; returns its id.", properties: [
            .init(name: "title", type: "string", description: "One line saying what to do"),
            .init(name: "body", type: "string", description: "Details"),
            .init(name: "role", type: "string", description: "Role needed"),
            .init(name: "priority", type: "integer", description: "Higher runs first"),
            .init(name: "after", type: "array", description: "Ids of tasks that must be done first"),
        ], required: ["title"]),
    ]

    let repositoryPath: String
    let catalog: Catalog
    let selector: SkillSelector

    /// The toolbox for the repository around the working directory (as `git` would find it).
    /// The catalog is the shipped one beside this executable plus the repository's `.orch/`; skill
    /// selection asks `git config orch.skillRanker` when it is set, as `git orch skills` does.
    public static func forCurrentRepository() throws -> OrchToolbox {
        let repository = try Repository.discoverFromEnvironment()
        let catalog = CatalogLoader(shippedRoot: CatalogLoader.defaultShippedRoot(executable: RunningProgram.path),
                                    overrideRoot: repository.workingDirectory.map { $0 + "/.orch" }).load()
        var selector = SkillSelector(skills: catalog.skills, profiles: catalog.profiles)
        if let command = try repository.configString("orch.skillRanker"), !command.isEmpty {
            selector.ranker = { task, candidates in SkillRanker.ask(command: command, task: task, candidates: candidates) }
        }
        return OrchToolbox(repositoryPath: repository.workingDirectory ?? repository.gitDirectory, catalog: catalog, selector: selector)
    }

    /// Runs one tool; the result is JSON text (tasks in the format of docs/state-format.md) or a
    /// short summary. Throws with a message for the agent when the call is refused.
    public func call(_ name: String, _ arguments: [String: Argument]) throws -> String {
        func text(_ key: String) -> String? { if case .string(let value)? = arguments[key] { value } else { nil } }
        func required(_ key: String) throws -> String {
            guard let value = text(key), !value.isEmpty else { throw ToolError("'\(key)' is required") }
            return value
        }
        switch name {
        case "discover_skills":
            let role = try text("role").map { (id) throws -> Role in
                guard let role = catalog.role(id) else { throw ToolError("no role '\(id)'") }
                return role
            }
            let matches = try selector.select(for: try required("task"), role: role)
            return json(matches.map { ["id": $0.skill.id, "description": $0.skill.shortDescription, "reason": $0.reason] })
        case "list_ready_tasks":
            let ready = try store().snapshot().graph.readyTasks(for: text("role"))
            return String(decoding: TaskJSON.encodeArray(ready), as: UTF8.self)
        case "claim_task":
            let store = try store()
            let wanted = try text("id").map { try store.snapshot().graph.resolve($0) }
            let task = try store.apply(.claim(wanted, worker: try required("worker"), role: text("role"))).outcome.changed[0]
            return String(decoding: TaskJSON.encode(task), as: UTF8.self)
        case "complete_task":
            let store = try store()
            return try store.apply(.complete(try store.snapshot().graph.resolve(try required("id")))).outcome.summary
        case "add_task":
            let store = try store()
            let graph = try store.snapshot().graph
            var after: [String] = []
            if case .strings(let ids)? = arguments["after"] { after = ids }
            let deps = try after.map { try graph.resolve($0) }
            var priority = 0
            if case .integer(let value)? = arguments["priority"] { priority = value }
            let task = try store.addTask(title: try required("title"), body: text("body") ?? "", role: text("role"), priority: priority, deps: deps)
            return task.id.hex
        case "send_message":
            let repository = try Repository.discover(from: repositoryPath)
            let to = try required("to")
            let from = try text("from") ?? worker()
            try FieldRules.validateWorkerName(to)
            try FieldRules.validateWorkerName(from)
            guard try WorkerRegistry(repository: repository).record(to) != nil else { throw ToolError("no worker named '\(to)'") }
            try Inbox(repository: repository).send(WorkerMessage(from: from, to: to, text: try required("text"), time: .now()), at: .now())
            return "message for \(to) waits for its next prompt"
        case "write_handoff":
            let repository = try Repository.discover(from: repositoryPath)
            let worker = try text("worker") ?? worker()
            try FieldRules.validateWorkerName(worker)
            guard let record = try WorkerRegistry(repository: repository).record(worker) else { throw ToolError("no worker named '\(worker)'") }
            let graph = try store().snapshot().graph
            let task = try text("task").map { try graph.resolve($0) }
            let now = Timestamp.now()
            let handoff = HandoffRecord(
                id: HandoffRecord.makeID(worker: worker, at: now), worker: worker, from: worker, task: task?.hex,
                taskTitle: task.flatMap { graph[$0]?.title }, branch: record.branch,
                commit: try repository.referenceTarget("refs/heads/" + record.branch)?.hex, created: now.iso8601, reason: "agent")
            _ = try HandoffStore(repository: repository).save(handoff, document: try required("document"))
            return "stored handoff \(handoff.id); your next session starts from it"
        default:
            throw ToolError("unknown tool '\(name)'")
        }
    }

    /// The calling worker: agents run by git-orch have `GIT_ORCH_WORKER` set.
    private func worker() throws -> String {
        guard let name = ProcessInfo.processInfo.environment["GIT_ORCH_WORKER"], !name.isEmpty else {
            throw ToolError("say which worker you are ('from' or 'worker'); GIT_ORCH_WORKER is not set")
        }
        return name
    }

    private func store() throws -> TaskStore { TaskStore(repository: try Repository.discover(from: repositoryPath)) }

    private func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }
}

struct ToolError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
