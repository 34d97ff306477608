#if canImport(Glibc)
import Glibc
#endif
public import Foundation
import OrchRuntime
import ProcessKit

/// How a hand-off ended.
public struct HandoffOutcome: Sendable, Equatable {
    public var ok: Bool
    public var message: String

    public init(ok: Bool, message: String) {
        self.ok = ok
        self.message = message
    }
}

/// Starts a worker's hand-off. Its five steps are reported as `handoff-step` events (by the
/// supervisor on its event stream, or by the command on its output as JSON lines).
public protocol HandoffLauncher: Sendable {
    /// Runs the hand-off of `worker` to its end; each JSON line it prints goes to `progress`.
    func handoff(_ worker: String, progress: @escaping @Sendable (String) async -> Void) async -> HandoffOutcome
}

/// `git orch handoff NAME` as a child process in the repository (or the command in
/// `GIT_ORCH_HANDOFF_COMMAND`, split on spaces, with the worker's name appended).
public struct CommandHandoff: HandoffLauncher {
    public let command: [String]
    public let directory: String

    public init(command: [String], directory: String) {
        self.command = command
        self.directory = directory
    }

    /// `git-orch handoff` from next to this executable when it is there, else `git orch handoff`.
    public static func defaultCommand(environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        if let words = environment["GIT_ORCH_HANDOFF_COMMAND"]?.split(separator: " ").map(String.init), !words.isEmpty { return words }
        return RunningProgram.executableSibling("git-orch").map { [$0, "handoff"] } ?? ["git", "orch", "handoff"]
    }

    /// Started with the runtime's own spawner (no shell, signals reset); its output is read on threads
    /// of their own and its exit awaited off the async executor.
    public func handoff(_ worker: String, progress: @escaping @Sendable (String) async -> Void) async -> HandoffOutcome {
        let output: (read: Int32, write: Int32), errors: (read: Int32, write: Int32), pid: Int32
        do {
            output = try ProcessSpawner.pipe()
            do { errors = try ProcessSpawner.pipe() } catch { close(output.read); close(output.write); throw error }
        } catch {
            return HandoffOutcome(ok: false, message: "cannot start \(command.joined(separator: " ")): \(error)")
        }
        var options = ProcessSpawner.Options()
        options.directory = directory
        options.stdin = .null
        options.stdout = .descriptor(output.write)
        options.stderr = .descriptor(errors.write)
        do {
            pid = try ProcessSpawner.spawn(command[0], Array(command.dropFirst()) + [worker], options)
        } catch {
            [output.read, output.write, errors.read, errors.write].forEach { close($0) }
            return HandoffOutcome(ok: false, message: error.description)
        }
        close(output.write)
        close(errors.write)
        let stderrText = Self.collect(errors.read)
        var plain: [String] = []
        for await line in Self.lines(output.read) {
            if EventTag.parse(line)?.type != nil { await progress(line) } else if !line.isEmpty { plain.append(line) }
        }
        let status = await Self.exitStatus(of: pid)
        let stderr = await stderrText.value
        if status == 0 {
            return HandoffOutcome(ok: true, message: "\(worker) handed off" + (plain.last.map { ": \($0)" } ?? ""))
        }
        let reason = stderr.split(separator: "\n").last.map(String.init) ?? plain.last ?? "exit status \(status)"
        return HandoffOutcome(ok: false, message: reason)
    }

    /// The child's exit status, waited for on a thread (waitpid blocks).
    static func exitStatus(of pid: Int32) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: ProcessSpawner.wait(pid, block: true) ?? 128) }
        }
    }

    /// Everything written to `fd` until its end, read on a thread; closes it.
    static func collect(_ fd: Int32) -> _Concurrency.Task<String, Never> {
        let lines = Self.lines(fd)
        return _Concurrency.Task { await lines.reduce(into: "") { $0 += $1 + "\n" } }
    }

    /// The lines of a pipe, read on a thread of their own; closes it at its end.
    static func lines(_ fd: Int32) -> AsyncStream<String> {
        AsyncStream { continuation in
            Thread.detachNewThread {
                ControlLine.readLines(fd) { continuation.yield($0) }
                close(fd)
                continuation.finish()
            }
        }
    }
}
