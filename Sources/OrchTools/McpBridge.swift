#if canImport(Glibc)
import Glibc
#endif
import CProcess
import FoundationEssentials
import ProcessKit

/// Inside the sandbox: `git orch mcp` relays its stdin and stdout to the worker's MCP socket.
public enum McpBridge {
    /// Set in a sandboxed agent's environment by its worker (McpRelay in OrchRuntime listens there).
    public static let environmentKey = "GIT_ORCH_MCP_SOCKET"

    /// The socket to relay to, when this process runs inside a worker's sandbox.
    public static var socketPath: String? {
        ProcessInfo.processInfo.environment[environmentKey].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Relays until either side closes; returns the exit status.
    public static func relay(to path: String) -> Int32 {
        let fd = orch_connect_unix(path)
        guard fd >= 0 else {
            let message = "git-orch: error: mcp: cannot reach the worker's MCP socket \(path): \(String(cString: strerror(errno)))\n"
            _ = message.withCString { write(2, $0, strlen($0)) }
            return 128
        }
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var stdinOpen = true
        while true {
            fds[0].fd = stdinOpen ? 0 : -1
            guard retryingOnEINTR({ poll(&fds, 2, -1) }) >= 0 else { return 1 }
            if stdinOpen, fds[0].revents != 0 {
                let count = retryingOnEINTR { read(0, &buffer, buffer.count) }
                if count > 0 { guard relay(buffer, count, to: fd) else { return 0 } }
                else { stdinOpen = false; shutdown(fd, Int32(SHUT_WR)) }
            }
            if fds[1].revents != 0 {
                let count = retryingOnEINTR { read(fd, &buffer, buffer.count) }
                if count > 0 { guard relay(buffer, count, to: 1) else { return 0 } }
                else { return 0 }
            }
        }
    }

    private static func relay(_ buffer: [UInt8], _ count: Int, to fd: Int32) -> Bool {
        buffer.withUnsafeBytes { writeAll(fd, UnsafeRawBufferPointer(rebasing: $0.prefix(count))) }
    }
}
