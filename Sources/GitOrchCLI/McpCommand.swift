import ArgumentParser

extension GitOrch {
    /// `git orch mcp` hands over to `git-orch-mcp`, installed next to `git-orch`: the MCP SDK and
    /// what it links (networking, TLS) stay out of the binary every other command starts.
    struct Mcp: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mcp",
            abstract: "Serve git-orch's tools to an agent over the Model Context Protocol (stdio).",
            discussion: """
                Tools: discover_skills, list_ready_tasks, claim_task, complete_task, add_task. Point an \
                MCP-speaking agent at `git orch mcp` run inside the repository.
                """)

        func run() throws { try Companion.exec("git-orch-mcp", []) }
    }
}
