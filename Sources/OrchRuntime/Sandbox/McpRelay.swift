#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchTools
import ProcessKit

/// `git orch mcp` for a sandboxed agent. The MCP server writes the team's state (claims,
/// completions, messages, handoffs), which the sandbox keeps read-only, so it runs outside: the
/// worker listens on a Unix socket bound into the sandbox and starts one `git orch mcp` per
/// connection with the connection as its stdin and stdout. Inside, `git orch mcp` finds
/// `GIT_ORCH_MCP_SOCKET` set and only relays its stdio to that socket (`McpBridge`).
final class McpRelay: @unchecked Sendable {
    static let environmentKey = McpBridge.environmentKey

    let socketPath: String
    private let listenFD: Int32
    private let worktree: String
    private let lock = NSLock()
    private var environment: [String: String]

    /// Listens at `socketPath`; `environment` (the worker's name) goes to every server started.
    init(socketPath: String, worktree: String, environment: [String: String]) throws(RuntimeError) {
        self.socketPath = socketPath
        self.worktree = worktree
        self.environment = environment
        listenFD = try ControlSocket.listen(at: socketPath)
        // Accepting blocks in its own thread.
        _ = fcntl(listenFD, F_SETFL, fcntl(listenFD, F_GETFL) & ~O_NONBLOCK)
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// The task the servers started from now on act for (`GIT_ORCH_TASK`).
    func setTask(_ hex: String) {
        lock.lock()
        environment["GIT_ORCH_TASK"] = hex
        lock.unlock()
    }

    private func acceptLoop() {
        while true {
            let connection = retryingOnEINTR { accept(listenFD, nil, nil) }
            if connection < 0 {
                if errno == ECONNABORTED { continue }
                return
            }
            // Not inherited by the agents and servers the worker starts meanwhile.
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            serve(connection)
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var options = ProcessSpawner.Options()
        options.directory = worktree
        options.stdin = .descriptor(connection)
        options.stdout = .descriptor(connection)
        lock.lock()
        options.environment = environment
        lock.unlock()
        options.removeFromEnvironment = [Self.environmentKey]
        guard let pid = try? ProcessSpawner.spawn("git", ["orch", "mcp"], options) else {
            let message = #"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"git-orch: cannot start git orch mcp outside the sandbox"}}"# + "\n"
            _ = message.withCString { write(connection, $0, strlen($0)) }
            return
        }
        // The server ends when the agent closes the connection; reap it then.
        Thread.detachNewThread { _ = ProcessSpawner.wait(pid, block: true) }
    }

    /// A socket path short enough for `sockaddr_un`: in `.git/orch/run/`, else in the temp folder
    /// (outside; inside the sandbox it is bound at the same path).
    static func socketPath(_ paths: RuntimePaths, worker: String) -> String {
        let path = paths.run + "/\(worker).mcp.sock"
        guard path.utf8.count > 100 else { return path }
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in path.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        return "/tmp/git-orch-\(getuid())-\(String(hash, radix: 16)).mcp.sock"
    }
}
