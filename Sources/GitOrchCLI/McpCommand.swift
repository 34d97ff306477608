#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation

extension GitOrch {
    /// `git orch mcp` hands over to `git-orch-mcp`, installed next to `git-orch`: the MCP SDK and
    /// what it links (networking, TLS) stay out of the binary every other command starts.
    struct Mcp: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mcp",
            abstract: "Serve git-orch's tools to an agent over the Model Context Protocol (stdio).",
            discussion: """
                Tools: \(OrchToolbox.definitions.map(\.name).joined(separator: ", ")). Point an
                MCP-speaking agent at `git orch mcp` run inside the repository.
                """)

        func run() throws {
            let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let server = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("git-orch-mcp").path
            guard FileManager.default.isExecutableFile(atPath: server) else {
                throw CLIError.input("\(server) is missing; reinstall git-orch (./install.sh)")
            }
            // Replace this process: the agent's stdio pipes go straight to the server.
            let argv = [strdup(server), nil]
            execv(server, argv)
            throw CLIError.input("cannot start \(server): \(String(cString: strerror(errno)))")
        }
    }
}
