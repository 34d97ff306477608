#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchModel
import ProcessKit

/// What the supervisor tells a worker, one JSON object per line on the worker's standard input.
public struct WorkerCommand: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// Stop after saving the work in hand; `release` gives its task back to the team.
        case stop
        case pause, resume
        /// Text typed into the agent's terminal (for an agent waiting for input).
        case input
    }

    public var command: Kind
    public var release: Bool?
    public var text: String?

    public init(_ command: Kind, release: Bool? = nil, text: String? = nil) {
        self.command = command
        self.release = release
        self.text = text
    }

    public func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // A command is a few strings and a Bool: encoding it cannot fail.
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}

/// The worker's end of its link to the supervisor: events out on stdout, commands in on stdin.
/// End of file on stdin means the supervisor is gone, and the worker must not outlive it.
final class WorkerChannel {
    private let input: Int32
    private let output: Int32
    private var buffer: [UInt8] = []
    private(set) var supervisorGone = false
    private var lastHeartbeat = Date.distantPast
    let worker: String
    let heartbeatSeconds: Double

    init(worker: String, heartbeatSeconds: Double, input: Int32 = 0, output: Int32 = 1) {
        self.worker = worker
        self.heartbeatSeconds = heartbeatSeconds
        self.input = input
        self.output = output
        signal(SIGPIPE, SIG_IGN)
    }

    /// The state the supervisor last heard from this worker (any event may carry one).
    private(set) var lastState: String?

    func send(_ event: RuntimeEvent) {
        var event = event
        event.worker = event.worker ?? worker
        if let state = event.state { lastState = state }
        if !writeAll(output, Array((event.jsonLine() + "\n").utf8)) { supervisorGone = true }
    }

    private var lastWarning: String?

    /// A warning event, sent once while the same trouble lasts (a loop polling a damaged chain
    /// must not flood the event log). One memory for the whole worker: the loop and the task's
    /// settlement share it.
    func warn(_ message: String, task: TaskID? = nil) {
        guard message != lastWarning else { return }
        lastWarning = message
        send(RuntimeEvent(.warning, task: task, message: message))
    }

    func heartbeatIfDue() {
        guard Date().timeIntervalSince(lastHeartbeat) >= heartbeatSeconds else { return }
        lastHeartbeat = Date()
        send(RuntimeEvent(.heartbeat))
    }

    /// Waits up to `timeout` seconds for commands or for one of `extra` to become readable.
    /// Returns the commands received and which of `extra` are readable (or hung up).
    func wait(timeout: Double, extra: [Int32] = []) -> (commands: [WorkerCommand], ready: Set<Int32>) {
        heartbeatIfDue()
        var fds = extra.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        if !supervisorGone { fds.append(pollfd(fd: input, events: Int16(POLLIN), revents: 0)) }
        // Never negative: poll() takes a negative timeout as "forever", and a caller's deadline
        // can pass between its check and this call.
        let slice = max(0, min(timeout, max(0.05, heartbeatSeconds / 2)))
        let result = poll(&fds, nfds_t(fds.count), Int32(slice * 1000))
        var ready: Set<Int32> = []
        var commands: [WorkerCommand] = []
        guard result > 0 else { heartbeatIfDue(); return ([], []) }
        for item in fds where item.revents != 0 {
            if item.fd == input && !supervisorGone {
                commands += readCommands()
            } else {
                ready.insert(item.fd)
            }
        }
        heartbeatIfDue()
        return (commands, ready)
    }

    private func readCommands() -> [WorkerCommand] {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = retryingOnEINTR { read(input, &chunk, chunk.count) }
        if count <= 0 {
            supervisorGone = true
            return []
        }
        buffer += chunk[0..<count]
        var commands: [WorkerCommand] = []
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            let line = Data(buffer[..<newline])
            buffer.removeSubrange(...newline)
            // Only our supervisor writes here; a line it did not mean as a command is skipped.
            if let command = try? JSONDecoder().decode(WorkerCommand.self, from: line) { commands.append(command) }
        }
        return commands
    }
}
