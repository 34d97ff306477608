#if canImport(Glibc)
import Glibc
#endif
import CProcess
import Foundation

/// A request to the supervisor on its control socket: one JSON line.
public struct ControlRequest: Codable, Sendable {
    public enum Command: String, Codable, Sendable {
        case status, stop, restart, scale, subscribe, input, pause, resume
        /// Stop a worker's session for a handoff: its work is saved and it keeps its task, and it
        /// stays stopped until a `restart`.
        case handoffStop = "handoff-stop"
        /// Emit the event in `text` (one JSON line) to the event log and the subscribers.
        case announce
    }
    public var command: Command
    public var worker: String?
    public var count: Int?
    public var text: String?

    public init(_ command: Command, worker: String? = nil, count: Int? = nil, text: String? = nil) {
        self.command = command
        self.worker = worker
        self.count = count
        self.text = text
    }
}

/// The supervisor's answer: one JSON line.
public struct ControlResponse: Codable, Sendable {
    public var ok: Bool
    public var error: String?
    public var message: String?
    public var status: TeamStatus?

    public init(ok: Bool, error: String? = nil, message: String? = nil, status: TeamStatus? = nil) {
        self.ok = ok
        self.error = error
        self.message = message
        self.status = status
    }
}

/// The Unix socket in `.git/orch/run/` that `status`, `stop`, `restart`, `scale` and `logs -f`
/// use. A socket path is limited to 107 bytes; a repository deeper than that gets a socket in
/// the temp folder named by a hash of the long path.
public enum ControlSocket {
    public static func address(_ paths: RuntimePaths) -> String {
        let path = paths.controlSocket
        guard path.utf8.count > 100 else { return path }
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in path.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        return "/tmp/git-orch-\(getuid())-\(String(hash, radix: 16)).sock"
    }

    static func withAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes + [0])
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// Listens at `path` (replacing a dead socket file). Returns the descriptor (non-blocking).
    static func listen(at path: String) throws(RuntimeError) -> Int32 {
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .io(path, String(cString: strerror(errno))) }
        let bound = withAddress(path) { bind(fd, $0, $1) }
        guard bound == 0, Glibc.listen(fd, 16) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw .io(path, "cannot listen: \(message)")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        return fd
    }

    /// Connects to the supervisor, or nil when none listens.
    public static func connect(_ paths: RuntimePaths) -> Int32? {
        let fd = orch_connect_unix(address(paths))
        return fd >= 0 ? fd : nil
    }

    /// Sends one request and reads one response line.
    public static func send(_ request: ControlRequest, to paths: RuntimePaths, timeout: Double = 30) throws(RuntimeError) -> ControlResponse {
        guard let fd = connect(paths) else { throw .notRunning }
        defer { close(fd) }
        writeLine(fd, encode(request))
        guard let line = readLine(fd, timeout: timeout) else { throw .control("no answer on \(address(paths))") }
        do { return try JSONDecoder().decode(ControlResponse.self, from: Data(line.utf8)) } catch {
            throw .control("unreadable answer (\(error)): \(line.prefix(200))")
        }
    }

    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Our own request and response types: plain values that always encode.
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Writes one line; a peer that takes nothing for `patience` seconds (a non-blocking socket
    /// whose buffer stays full: a stuck watcher) is given up on, so it cannot stall the caller.
    @discardableResult
    static func writeLine(_ fd: Int32, _ text: String, patience: Double = 2) -> Bool {
        let bytes = Array((text + "\n").utf8)
        var written = 0
        let deadline = Date().addingTimeInterval(patience)
        while written < bytes.count {
            if Date() > deadline { return false }
            // write(), not send(): the same helper feeds sockets and the workers' command pipes
            // (SIGPIPE is ignored in git-orch-run, so a closed peer is an error return).
            let count = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) {
                var item = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&item, 1, 200)
                continue
            }
            if count <= 0 { return false }
            written += count
        }
        return true
    }

    /// Reads one line (blocking up to `timeout` seconds).
    public static func readLine(_ fd: Int32, timeout: Double) -> String? {
        var buffer: [UInt8] = []
        var byte: UInt8 = 0
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var item = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&item, 1, Int32(max(1, deadline.timeIntervalSinceNow * 1000)))
            if ready < 0 && errno == EINTR { continue }  // the deadline is checked again first
            guard ready > 0 else { return nil }
            let count = read(fd, &byte, 1)
            if count <= 0 { return buffer.isEmpty ? nil : String(decoding: buffer, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { return String(decoding: buffer, as: UTF8.self) }
            buffer.append(byte)
        }
        return nil
    }
}
