#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchModel
import OrchStore
import ProcessKit

/// One run of an agent on a pseudo-terminal in the worker's worktree: its output goes to the
/// output parser and the raw log as it comes, and as a transcript (TranscriptRenderer) to the
/// terminal log and the supervisor (live), while the worker keeps answering its supervisor. The agent leads its own session, so stopping it signals its whole process tree.
struct AgentSession {
    struct Outcome {
        var exitStatus: Int32
        var report: AgentReport
        /// Why the run was cut short by us, if it was.
        var interruption: Interruption?
        var lastLine: String?
        /// The last lines it printed, ANSI-stripped (a usage error's own line is among them).
        var recentLines: [String] = []
        /// It reported tokens or cost: it reached its model.
        var usedModel = false

        /// The agent finished on its own, with status 0 and no error reported.
        var succeeded: Bool { interruption == nil && exitStatus == 0 && !report.isError }
    }

    enum Interruption: Equatable {
        case stopped(release: Bool)
        case timedOut
        case supervisorGone
    }

    let preset: AgentPreset
    let worktree: String
    let channel: WorkerChannel
    let log: TerminalLog
    let settings: RuntimeSettings
    /// Written with the agent's pid while it runs, so the supervisor can end it if we die.
    let pidFile: String
    var onPaused: (Bool) -> Void = { _ in }
    /// Called as soon as the agent reports its session id (and again if it changes), so a worker
    /// killed mid-run can still resume the session the agent itself created.
    var onSession: (String) -> Void = { _ in }
    /// The agent's output as it came (`git orch logs --raw`), beside the transcript in `log`.
    var rawLog: TerminalLog?
    /// The worker's colour ("#6366f1") for its transcript.
    var color: String?

    func run(_ invocation: AgentInvocation, task: TaskID, environment: [String: String]) throws(RuntimeError) -> Outcome {
        let terminal: PseudoTerminal
        do { terminal = try PseudoTerminal.open() } catch { throw .agent(error.description) }
        defer { close(terminal.master) }
        var options = ProcessSpawner.Options()
        options.directory = worktree
        options.newSession = true
        options.stdin = .path(terminal.replicaPath, flags: O_RDWR)
        options.stdout = .path(terminal.replicaPath, flags: O_RDWR)
        options.stderr = .path(terminal.replicaPath, flags: O_RDWR)
        var inputFile: String?
        if let input = invocation.standardInput {
            let path = NSTemporaryDirectory() + "git-orch-stdin-\(getpid())-\(task.hex)"
            _ = FileManager.default.createFile(atPath: path, contents: Data(input))
            options.stdin = .path(path, flags: O_RDONLY)
            inputFile = path
        }
        defer { if let inputFile { unlink(inputFile) } }
        options.environment = environment.merging(["TERM": "xterm-256color", "GIT_ORCH_WORKER": channel.worker]) { $1 }
        let pid: Int32
        do { pid = try ProcessSpawner.spawn(invocation.executable, invocation.arguments, options) } catch {
            throw .agent("\(error.description) (agent preset '\(preset.name)')")
        }
        _ = FileManager.default.createFile(atPath: pidFile, contents: Data("\(pid)\n".utf8))
        defer { unlink(pidFile) }
        channel.send(RuntimeEvent(.agentStarted, task: task, state: WorkerState.running.rawValue, message: invocation.executable))
        var parser = AgentOutputParser(format: preset.output, pricing: preset.pricing)
        var transcript = TranscriptRenderer(format: preset.output, workerHex: color, directory: worktree, pricing: preset.pricing)
        // Presets are validated when loaded (AgentPresetValidation): every pattern compiles.
        let patterns = preset.inputPatterns.compactMap { try? NSRegularExpression(pattern: $0) }
        let started = Date()
        var lastOutput = Date()
        var waitingForInput = false
        var interruption: Interruption?
        var exitStatus: Int32?
        var exitedAt: Date?
        var lastCost = -1.0
        var chunk = [UInt8](repeating: 0, count: 16_384)
        var masterOpen = true
        var reportedSession: String?
        while true {
            let (commands, ready) = channel.wait(timeout: 0.25, extra: masterOpen ? [terminal.master] : [])
            if ready.contains(terminal.master) {
                let count = retryingOnEINTR { read(terminal.master, &chunk, chunk.count) }
                if count > 0 {
                    let bytes = chunk[0..<count]
                    rawLog?.append(bytes)
                    parser.consume(Array(bytes))
                    if let session = parser.report.sessionID, session != reportedSession {
                        reportedSession = session
                        onSession(session)
                    }
                    lastOutput = Date()
                    show(transcript.consume(Array(bytes)), task: task)
                    if waitingForInput {
                        waitingForInput = false
                        channel.send(RuntimeEvent(.state, task: task, state: WorkerState.running.rawValue))
                    }
                } else {
                    // EIO: every holder of the replica closed it; the agent has (nearly) exited.
                    masterOpen = false
                }
            }
            for command in commands {
                switch command.command {
                case .stop:
                    if interruption == nil { interruption = .stopped(release: command.release ?? false) }
                    terminate(pid)
                case .input:
                    let text = Array(((command.text ?? "") + "\r").utf8)
                    _ = text.withUnsafeBytes { write(terminal.master, $0.baseAddress, $0.count) }
                case .pause: onPaused(true)
                case .resume: onPaused(false)
                }
            }
            if channel.supervisorGone && interruption == nil {
                interruption = .supervisorGone
                terminate(pid)
            }
            if exitStatus == nil, let status = ProcessSpawner.wait(pid, block: false) {
                exitStatus = status
                exitedAt = Date()
            }
            // Done when the agent exited and its terminal drained (or its leftovers hold it open).
            if let exitedAt, !masterOpen || Date().timeIntervalSince(exitedAt) > 0.5 { break }
            if exitStatus == nil && interruption == nil && Date().timeIntervalSince(started) > settings.taskTimeoutSeconds {
                interruption = .timedOut
                terminate(pid)
            }
            let cost = parser.report.costUSD ?? 0
            if cost != lastCost && cost > 0 {
                lastCost = cost
                var event = RuntimeEvent(.cost, task: task)
                event.costUSD = cost
                event.inputTokens = parser.report.inputTokens
                event.outputTokens = parser.report.outputTokens
                channel.send(event)
            }
            if !waitingForInput, exitStatus == nil, Date().timeIntervalSince(lastOutput) >= settings.needsInputSeconds,
               let line = parser.lastLine, patterns.contains(where: { $0.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) != nil }) {
                waitingForInput = true
                channel.send(RuntimeEvent(.state, task: task, state: WorkerState.needsInput.rawValue, message: line))
            }
        }
        // Whatever the agent left running in its session goes with it.
        kill(-pid, SIGKILL)
        let ended = exitedAt.map { Timestamp(microseconds: Int64($0.timeIntervalSince1970 * 1_000_000)) } ?? .now()
        channel.send(RuntimeEvent(.agentExited, task: task, message: exitStatus.map { "exit status \($0)" } ?? "killed", at: ended))
        let report = parser.finish()
        if let session = report.sessionID, session != reportedSession { onSession(session) }
        show(transcript.finish(), task: task)
        // A structured agent's last raw line is JSON: its last transcript line says it for people.
        let lastLine = transcript.isStructured ? transcript.lastLine : parser.lastLine
        return Outcome(exitStatus: exitStatus ?? 128 + SIGKILL, report: report, interruption: interruption, lastLine: lastLine,
                       recentLines: parser.recentLines, usedModel: parser.usedModel)
    }

    /// Transcript bytes to the terminal log and, live, to the supervisor.
    private func show(_ bytes: [UInt8], task: TaskID) {
        guard !bytes.isEmpty else { return }
        log.append(ArraySlice(bytes))
        var event = RuntimeEvent(.output, task: task)
        event.text = String(decoding: bytes, as: UTF8.self)
        channel.send(event)
    }

    /// SIGTERM to the agent's session, then SIGKILL after a grace period (from a helper thread, so
    /// the output keeps draining meanwhile).
    private func terminate(_ pid: Int32) {
        kill(-pid, SIGTERM)
        kill(pid, SIGTERM)
        Thread.detachNewThread {
            usleep(3_000_000)
            kill(-pid, SIGKILL)
        }
    }
}
