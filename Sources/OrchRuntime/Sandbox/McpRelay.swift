#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// `git orch mcp` for a sandboxed agent. The MCP server writes the team's state (claims,
/// completions, messages, handoffs), which the sandbox keeps read-only, so it runs outside: the
/// worker listens on a Unix socket bound into the sandbox and starts one `git orch mcp` per
/// connection with the connection as its stdin and stdout. Inside, `git orch mcp` finds
/// `GIT_ORCH_MCP_SOCKET` set and only relays its stdio to that socket (`McpBridge`).
final class McpRelay: @unchecked Sendable {
    static let environmentKey = "GIT_ORCH_MCP_SOCKET"

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
            let connection = accept(listenFD, nil, nil)
            if connection < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
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

/// Inside the sandbox: `git orch mcp` relays its stdin and stdout to the worker's MCP socket.
public enum McpBridge {
    /// The socket to relay to, when this process runs inside a worker's sandbox.
    public static var socketPath: String? {
        ProcessInfo.processInfo.environment[McpRelay.environmentKey].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Relays until either side closes; returns the exit status.
    public static func relay(to path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let connected = fd >= 0 && ControlSocket.withAddress(path) { Glibc.connect(fd, $0, $1) } == 0
        guard connected else {
            let message = "git-orch: error: mcp: cannot reach the worker's MCP socket \(path): \(String(cString: strerror(errno)))\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            return 128
        }
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var stdinOpen = true
        while true {
            fds[0].fd = stdinOpen ? 0 : -1
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                return 1
            }
            if stdinOpen, fds[0].revents != 0 {
                let count = read(0, &buffer, buffer.count)
                if count > 0 { guard writeAll(fd, buffer, count) else { return 0 } }
                else if count == 0 || errno != EINTR { stdinOpen = false; shutdown(fd, Int32(SHUT_WR)) }
            }
            if fds[1].revents != 0 {
                let count = read(fd, &buffer, buffer.count)
                if count > 0 { guard writeAll(1, buffer, count) else { return 0 } }
                else if count == 0 || errno != EINTR { return 0 }
            }
        }
    }

    private static func writeAll(_ fd: Int32, _ buffer: [UInt8], _ count: Int) -> Bool {
        var offset = 0
        while offset < count {
            let written = buffer.withUnsafeBytes { write(fd, $0.baseAddress! + offset, count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}
