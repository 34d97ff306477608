// git-orch-mcp: the MCP server behind `git orch mcp` (stdio), kept in its own executable so that
// the MCP SDK stays out of the binary every other command starts.
#if canImport(Glibc)
import Glibc
#endif
import MCP
import OrchTools

/// One line on standard error.
func complain(_ message: String) {
    let line = Array((message + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

// Inside a worker's sandbox the state is read-only: relay to the server the worker runs outside.
if let socket = McpBridge.socketPath { exit(McpBridge.relay(to: socket)) }

let toolbox: OrchToolbox
do {
    toolbox = try OrchToolbox.forCurrentRepository()
} catch {
    complain("git-orch: error: \(error)")
    exit(128)
}

let tools = OrchToolbox.definitions.map { definition in
    var properties: [String: Value] = [:]
    for property in definition.properties {
        var field: [String: Value] = ["type": .string(property.type), "description": .string(property.description)]
        if property.type == "array" { field["items"] = .object(["type": .string("string")]) }
        properties[property.name] = .object(field)
    }
    return Tool(name: definition.name, description: definition.description, inputSchema: .object([
        "type": .string("object"), "properties": .object(properties), "required": .array(definition.required.map { .string($0) }),
    ]))
}

/// MCP values to the toolbox's plain arguments (other shapes are ignored, and the tool says what is missing).
func arguments(_ values: [String: Value]) -> [String: OrchToolbox.Argument] {
    var result: [String: OrchToolbox.Argument] = [:]
    for (key, value) in values {
        if let text = value.stringValue { result[key] = .string(text) }
        else if let number = value.intValue { result[key] = .integer(number) }
        else if let items = value.arrayValue { result[key] = .strings(items.compactMap(\.stringValue)) }
    }
    return result
}

let server = Server(name: "git-orch", version: "0.1.0", capabilities: .init(tools: .init(listChanged: false)))
await server.withMethodHandler(ListTools.self) { _ in .init(tools: tools) }
await server.withMethodHandler(CallTool.self) { params in
    do {
        let text = try toolbox.call(params.name, arguments(params.arguments ?? [:]))
        return .init(content: [.text(text: text, annotations: nil, _meta: nil)], isError: false)
    } catch {
        return .init(content: [.text(text: "\(error)", annotations: nil, _meta: nil)], isError: true)
    }
}
do {
    try await server.start(transport: StdioTransport())
    await server.waitUntilCompleted()
} catch {
    complain("git-orch: error: mcp: \(error)")
    exit(128)
}
