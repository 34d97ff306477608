#if canImport(Glibc)
import Glibc
#endif
public import Foundation

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
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let sibling = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("git-orch").path
        return FileManager.default.isExecutableFile(atPath: sibling) ? [sibling, "handoff"] : ["git", "orch", "handoff"]
    }

    public func handoff(_ worker: String, progress: @escaping @Sendable (String) async -> Void) async -> HandoffOutcome {
        let process = Process()
        let executable = command[0].contains("/") ? command[0] : Self.which(command[0]) ?? command[0]
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(command.dropFirst()) + [worker]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            return HandoffOutcome(ok: false, message: "cannot start \(command.joined(separator: " ")): \(error.localizedDescription)")
        }
        var plain: [String] = []
        for await line in Self.lines(output.fileHandleForReading) {
            if EventTag.parse(line)?.type != nil { await progress(line) } else if !line.isEmpty { plain.append(line) }
        }
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 0 {
            return HandoffOutcome(ok: true, message: "\(worker) handed off" + (plain.last.map { ": \($0)" } ?? ""))
        }
        let reason = stderr.split(separator: "\n").last.map(String.init) ?? plain.last ?? "exit status \(process.terminationStatus)"
        return HandoffOutcome(ok: false, message: reason)
    }

    static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The lines of a pipe, read on a thread of their own.
    static func lines(_ handle: FileHandle) -> AsyncStream<String> {
        AsyncStream { continuation in
            Thread.detachNewThread {
                ControlLine.readLines(handle.fileDescriptor) { continuation.yield($0) }
                continuation.finish()
            }
        }
    }
}
