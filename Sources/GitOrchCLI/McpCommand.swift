import ArgumentParser
import Dispatch
import Foundation
import GitKit
import MCP
import OrchCatalog
import OrchModel
import OrchStore

extension GitOrch {
    struct Mcp: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mcp",
            abstract: "Serve git-orch's tools to an agent over the Model Context Protocol (stdio).",
            discussion: """
                Tools: discover_skills, list_ready_tasks, claim_task, complete_task, add_task. Point an
                MCP-speaking agent at `git orch mcp` run inside the repository.
                """)

        func run() throws {
            let context = try Context.open()
            let path = context.store.repository.workingDirectory ?? context.store.repository.gitDirectory
            let catalog = CatalogContext.load()
            let tools = OrchTools(repositoryPath: path, catalog: catalog.catalog, selector: catalog.selector())
            let done = DispatchSemaphore(value: 0)
            let failure = FailureBox()
            _Concurrency.Task {
                do { try await tools.serve() } catch { failure.error = error }
                done.signal()
            }
            done.wait()
            if let error = failure.error { throw CLIError.input("mcp: \(error)") }
        }
    }
}

private final class FailureBox: @unchecked Sendable { var error: (any Error)? }

/// The tools agents call mid-task. Each call opens its own store: libgit2 handles are not shared
/// across the server's concurrent handlers.
struct OrchTools: Sendable {
    let repositoryPath: String
    let catalog: Catalog
    let selector: SkillSelector

    static let definitions: [Tool] = [
        Tool(name: "discover_skills", description: "The skills (3 to 8) that fit a task description, best first.", inputSchema: schema(
            ["task": ("string", "What the task is about"), "role": ("string", "The role doing it (adds its core skills)")], required: ["task"])),
        Tool(name: "list_ready_tasks", description: "Tasks ready to claim, best first (priority, then age).", inputSchema: schema(
            ["role": ("string", "Only tasks this role may take")], required: [])),
        Tool(name: "claim_task", description: "Claim a task for a worker: the given one, or the best ready one. Atomic across processes.", inputSchema: schema(
            ["worker": ("string", "The claiming worker's name"), "id": ("string", "Task id or unique prefix"), "role": ("string", "The worker's role")], required: ["worker"])),
        Tool(name: "complete_task", description: "Mark a task done.", inputSchema: schema(
            ["id": ("string", "Task id or unique prefix")], required: ["id"])),
        Tool(name: "add_task", description: "Add a task to the graph; returns its id.", inputSchema: schema(
            ["title": ("string", "One line saying what to do"), "body": ("string", "Details"), "role": ("string", "Role needed"),
             "priority": ("integer", "Higher runs first"), "after": ("array", "Ids of tasks that must be done first")], required: ["title"])),
    ]

    private static func schema(_ properties: [String: (String, String)], required: [String]) -> Value {
        var fields: [String: Value] = [:]
        for (name, (type, description)) in properties {
            var field: [String: Value] = ["type": .string(type), "description": .string(description)]
            if type == "array" { field["items"] = .object(["type": .string("string")]) }
            fields[name] = .object(field)
        }
        return .object(["type": .string("object"), "properties": .object(fields), "required": .array(required.map { .string($0) })])
    }

    func serve() async throws {
        let server = Server(name: "git-orch", version: GitOrch.configuration.version, capabilities: .init(tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in .init(tools: OrchTools.definitions) }
        await server.withMethodHandler(CallTool.self) { params in
            do {
                return .init(content: [.text(text: try self.call(params.name, params.arguments ?? [:]), annotations: nil, _meta: nil)], isError: false)
            } catch {
                return .init(content: [.text(text: "\(error)", annotations: nil, _meta: nil)], isError: true)
            }
        }
        try await server.start(transport: StdioTransport())
        await server.waitUntilCompleted()
    }

    /// Runs one tool; the result is JSON text (tasks in the format of docs/state-format.md).
    func call(_ name: String, _ arguments: [String: Value]) throws -> String {
        func text(_ key: String) -> String? { arguments[key]?.stringValue }
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
            return String(decoding: TaskFormatting.jsonArray(ready), as: UTF8.self)
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
            let deps = try (arguments["after"]?.arrayValue ?? []).compactMap(\.stringValue).map { try graph.resolve($0) }
            let created = store.clock()
            let title = try required("title")
            let task = OrchModel.Task(
                id: try store.newTaskID(title: title, at: created), title: title, body: text("body") ?? "", role: text("role"),
                priority: arguments["priority"]?.intValue ?? 0, deps: deps, created: created)
            try store.apply(.add([task]))
            return task.id.hex
        default:
            throw ToolError("unknown tool '\(name)'")
        }
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
