#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchStore
import OrchModel

/// The supervisor's view of one worker process: its pipes, what it last said, and its record.
final class WorkerHandle {
    var record: WorkerRecord
    var pid: Int32?
    /// We write commands here (the worker's stdin).
    var commandFD: Int32 = -1
    /// The worker's events arrive here (its stdout).
    var eventFD: Int32 = -1
    private var buffer: [UInt8] = []

    var state: WorkerState = .starting
    var task: String?
    var taskTitle: String?
    var lastHeard = Timestamp.now()
    /// Whether the worker has said anything since it was spawned (start-up gets a longer grace).
    var heardSinceSpawn = false
    var tasksDone = 0
    var failures = 0
    var restarts = 0
    /// Crashes since the last finished task; too many in a row and the worker goes offline.
    var crashesInARow = 0
    var reason: String?
    /// How its agents run (`Confinement`), decided once per start.
    var confinement: String?
    /// Stop was asked: do not restart when it exits.
    var stopping = false
    /// Removed by `scale`: its record is retired once it has stopped.
    var retiring = false
    /// `restart` asked: start again as soon as it has stopped.
    var restarting = false
    var restartAt: Timestamp?
    var idleSince: Timestamp?

    init(record: WorkerRecord) { self.record = record }

    var isLive: Bool { pid != nil }

    func send(_ command: WorkerCommand) {
        guard commandFD >= 0 else { return }
        ControlSocket.writeLine(commandFD, command.jsonLine())
    }

    /// Reads what is available; returns complete event lines (nil at end of file).
    func readEvents() -> [RuntimeEvent]? {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = read(eventFD, &chunk, chunk.count)
        if count < 0 && (errno == EINTR || errno == EAGAIN) { return [] }
        if count <= 0 { return nil }
        buffer += chunk[0..<count]
        var events: [RuntimeEvent] = []
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            let line = String(decoding: buffer[..<newline], as: UTF8.self)
            buffer.removeSubrange(...newline)
            if let event = RuntimeEvent.parse(line) { events.append(event) }
        }
        return events
    }

    func closePipes() {
        if commandFD >= 0 { close(commandFD) }
        if eventFD >= 0 { close(eventFD) }
        commandFD = -1
        eventFD = -1
        buffer = []
    }

    /// Follows what the worker reports.
    func apply(_ event: RuntimeEvent) {
        lastHeard = Timestamp.now()
        heardSinceSpawn = true
        if let state = event.state.flatMap(WorkerState.init(rawValue:)) {
            self.state = state
            idleSince = state == .idle ? (idleSince ?? lastHeard) : nil
        }
        switch event.type {
        case .taskClaimed, .taskResumed:
            task = event.task
            taskTitle = event.title
            reason = nil
        case .taskDone:
            tasksDone += 1
            crashesInARow = 0
            task = nil
            taskTitle = nil
        case .taskFailed, .taskReleased:
            failures += event.type == .taskFailed ? 1 : 0
            task = nil
            taskTitle = nil
        case .workerOffline, .budgetReached:
            reason = event.message
        default: break
        }
    }

    func status(costUSD: Double, tasksDone: Int) -> TeamStatus.Worker {
        TeamStatus.Worker(
            name: record.name, color: record.color.name, hex: record.color.hex, state: state.rawValue, pid: pid,
            task: task, taskTitle: taskTitle, tasksDone: tasksDone, failures: failures, restarts: restarts,
            costUSD: costUSD, budgetUSD: record.budgetUSD, roles: record.roles, agent: record.agent, model: record.model,
            branch: record.branch, reason: reason, confinement: confinement)
    }
}
