#if canImport(Glibc)
import Glibc
#endif
import Foundation
public import OrchRuntime
import ProcessKit

/// How the dashboard talks to the supervisor: the control socket's requests, and its `subscribe`
/// stream. A protocol so that server tests can stand in a supervisor of their own.
public protocol SupervisorLink: Sendable {
    /// One request, one answer. Throws `RuntimeError.notRunning` when no supervisor listens.
    func send(_ request: ControlRequest) async throws(RuntimeError) -> ControlResponse
    /// The `subscribe` stream, one JSON line per element: first the status answer, then every
    /// event. It ends when the supervisor goes away. Throws `.notRunning` when none listens.
    func subscribe() async throws(RuntimeError) -> AsyncStream<String>
}

/// The real link: `.git/orch/run/control.sock`. The socket calls block, so they run on their
/// own threads, never on the server's event loops.
public struct ControlSocketLink: SupervisorLink {
    public let paths: RuntimePaths

    public init(paths: RuntimePaths) { self.paths = paths }

    public func send(_ request: ControlRequest) async throws(RuntimeError) -> ControlResponse {
        let paths = self.paths
        let result: Result<ControlResponse, RuntimeError> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: Result { () throws(RuntimeError) in try ControlSocket.send(request, to: paths, timeout: 30) })
            }
        }
        return try result.get()
    }

    public func subscribe() async throws(RuntimeError) -> AsyncStream<String> {
        guard let fd = ControlSocket.connect(paths) else { throw .notRunning }
        let line = ControlLine.encode(ControlRequest(.subscribe)) + "\n"
        guard ControlLine.write(fd, line) else {
            close(fd)
            throw .notRunning
        }
        let closer = DescriptorCloser(fd)
        return AsyncStream(bufferingPolicy: .bufferingNewest(10_000)) { continuation in
            continuation.onTermination = { _ in closer.shutdown() }
            Thread.detachNewThread {
                ControlLine.readLines(fd) { continuation.yield($0) }
                continuation.finish()
                closer.close()
            }
        }
    }
}

/// Closes a socket once, from whichever side finishes first.
final class DescriptorCloser: @unchecked Sendable {
    private let lock = NSLock()
    private var fd: Int32

    init(_ fd: Int32) { self.fd = fd }

    /// Wakes a blocked reader (it then sees end of file and closes).
    func shutdown() {
        lock.lock()
        defer { lock.unlock() }
        if fd >= 0 { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
    }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }
}

/// JSON lines on a blocking descriptor.
enum ControlLine {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func write(_ fd: Int32, _ text: String) -> Bool {
        writeAll(fd, Array(text.utf8))
    }

    /// Calls `line` for each line until end of file or an error (a last unfinished line too).
    static func readLines(_ fd: Int32, _ line: (String) -> Void) {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = retryingOnEINTR { read(fd, &chunk, chunk.count) }
            guard count > 0 else {
                if !pending.isEmpty { line(String(decoding: pending, as: UTF8.self)) }
                return
            }
            pending += chunk[0..<count]
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                line(String(decoding: pending[start..<newline], as: UTF8.self))
                start = newline + 1
            }
            pending.removeFirst(start)
        }
    }
}
