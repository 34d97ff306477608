#if canImport(Glibc)
import Glibc
#endif
import CProcess
import Foundation
public import GitKit
public import OrchModel
import OrchStore
import ProcessKit

/// `git orch start`: spawns the team's worker processes, follows their events, restarts what
/// crashes or stops answering, serves the control socket, and stops everything on Ctrl-C,
/// `git orch stop`, or (with `untilDone`) when the work is finished.
public final class Supervisor {
    public struct Options: Sendable {
        public var request: TeamRequest
        public var untilDone: Bool
        /// Where the worker processes' program is (`git-orch-run`).
        public var executable: String
        public var print: @Sendable (String) -> Void
        public var color: Bool

        public init(request: TeamRequest, untilDone: Bool, executable: String, color: Bool, print: @escaping @Sendable (String) -> Void) {
            self.request = request
            self.untilDone = untilDone
            self.executable = executable
            self.color = color
            self.print = print
        }
    }

    let repository: Repository
    let repositoryRoot: String
    let paths: RuntimePaths
    var settings: RuntimeSettings
    let options: Options
    let taskStore: TaskStore
    let eventLog: EventLog
    var mainBranch = ""
    var handles: [WorkerHandle] = []
    var subscribers: [Int32] = []
    var clients: [Int32: [UInt8]] = [:]
    var listenFD: Int32 = -1
    var teamGroup: Int32?
    var shuttingDown = false
    var shutdownDeadline: Date?
    var quietSince: Timestamp?
    var lastScale = Timestamp(microseconds: 0)
    /// The rules: restarts, the breaker, stuck workers, done, autoscale (OrchModel, tested with a manual clock).
    let policy: SupervisorPolicy
    /// The `queue run` child merging workers' finished work, while one runs.
    var queueRunner: Int32?
    var lastQueueCheck = Date.distantPast
    /// Why the queue stopped merging (main is red), when it did.
    var queueHalted: String?
    var queueHeld: String?
    /// Where the running queue runner's output starts in its log (its warnings are relayed).
    var queueLogStart: UInt64 = 0
    /// Tasks of merged work the last runner was started for (`MergedWorkPolicy`): not again for the same ones.
    var unsettledAtLastRun: (tasks: Set<TaskID>, at: Date) = ([], .distantPast)
    /// The last failure to read the queue, said once.
    var lastStateWarning: String?
    /// Queue entries whose merge was announced as task-done (nil until the queue was first read:
    /// merges from before this supervisor are not news).
    var announcedMerges: Set<Int>?
    var lastConflictCheck = Date()
    /// Collisions already announced (first second paths), so each is said once.
    var knownConflicts: Set<String> = []
    /// Conflict prediction's results by branch tips: an unchanged pair is not merged again.
    let conflictMemo = ConflictMemo()
    /// A team on a remote: the sync thread (heartbeats, queue lease, shared state).
    var teamSync: TeamSync?
    let started = Timestamp.now()
    /// Whether the agents run in bubblewrap: decided once per start (`orch.sandbox`).
    var confinement: Confinement = .unconfined(reason: "not started")

    public init(repository: Repository, settings: RuntimeSettings, options: Options) throws(RuntimeError) {
        guard let root = repository.workingDirectory else { throw .invalidInput("git orch start needs a repository with a working tree, not a bare one") }
        self.repository = repository
        repositoryRoot = root
        paths = RuntimePaths(repository: repository)
        self.settings = settings
        self.options = options
        policy = SupervisorPolicy(
            heartbeatSeconds: settings.heartbeatSeconds, missedHeartbeats: settings.missedHeartbeats, breakerFailures: settings.breakerFailures,
            pollSeconds: settings.pollSeconds, autoscaleMax: settings.autoscaleMax, autoscaleMin: settings.autoscaleMin,
            idleStopSeconds: settings.idleStopSeconds)
        taskStore = TaskStore(repository: repository)
        eventLog = EventLog(path: paths.events)
    }

    /// Runs until stopped; returns the exit status for `start` (with `untilDone`: 0 when every
    /// task is done, 1 otherwise).
    public func run() throws(RuntimeError) -> Int32 {
        let lock = try SupervisorLock.acquire(paths)
        defer { lock.release() }
        let machine = try joinTeamRemote()
        _ = try store { () throws(StoreError) in try taskStore.snapshot() }
        mainBranch = try Worktrees.mainBranch(of: repository)
        let registry = WorkerRegistry(repository: repository)
        let config = RuntimeConfig.load(in: repositoryRoot)
        confinement = try Sandbox.confinement(for: settings.sandbox)
        // Nothing is claimed before every worker's agent is known to be able to run here.
        let team = try preflight(TeamPlan.plan(registered: try store { () throws(StoreError) in try registry.all() }, request: options.request, now: .now(), machine: machine), config: config)
        try store { () throws(StoreError) in try registry.save(team, message: "register " + team.map(\.name).joined(separator: ", ")) }
        warnAboutUncommittedChanges()
        try FileManager.default.createDirectory(atPath: paths.logs, withIntermediateDirectories: true)
        listenFD = try ControlSocket.listen(at: ControlSocket.address(paths))
        defer { close(listenFD); unlink(ControlSocket.address(paths)) }
        SignalPipe.install()
        // Agents whose worker died re-parent to us rather than to init, so we can reap them.
        _ = orch_set_child_subreaper()
        emit(RuntimeEvent(.supervisorStarted, message: "\(team.count) workers on \(mainBranch)"))
        if case .unconfined(let reason) = confinement, settings.sandbox == .auto {
            emit(RuntimeEvent(.warning, message: "agents run unconfined: \(reason) (orch.sandbox auto; see docs/sandbox.md)"))
        }
        handles = team.map(WorkerHandle.init)
        if let machine { try startTeamSync(machine: machine) }
        for handle in handles { spawn(handle) }
        let status = loop()
        teamSync?.stop(timeout: 30)
        followTeamSync()
        emit(RuntimeEvent(.supervisorStopped, message: status == 0 ? "done" : "stopped"))
        return status
    }

    /// The pid of the supervisor running in this repository, or nil.
    public static func runningPID(_ paths: RuntimePaths) throws(RuntimeError) -> Int32? {
        SupervisorLock.runningPID(paths)
    }

    public static func preset(for record: WorkerRecord, config: RuntimeConfig, root: String) throws(RuntimeError) -> AgentPreset {
        do {
            return try AgentPresets.resolve(record.agent, gitConfig: config.agentKeys, presetFile: root + "/.orch/agents.json")
        } catch {
            throw .agent("worker \(record.name): \(error.description)")
        }
    }

    // MARK: The loop

    private var exitStatus: Int32 = 0

    private func loop() -> Int32 {
        while true {
            var fds = [pollfd(fd: SignalPipe.readEnd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)]
            for fd in clients.keys { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            for handle in handles where handle.eventFD >= 0 { fds.append(pollfd(fd: handle.eventFD, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), 200)
            if ready > 0 {
                for item in fds where item.revents != 0 {
                    if item.fd == SignalPipe.readEnd { handleSignals() }
                    else if item.fd == listenFD { acceptClients() }
                    else if clients[item.fd] != nil { serveClient(item.fd) }
                    else if let handle = handles.first(where: { $0.eventFD == item.fd }) { readEvents(of: handle) }
                }
            }
            reapChildren()
            tick()
            if shuttingDown && handles.allSatisfy({ !$0.isLive }) && queueRunner == nil { break }
            if let deadline = shutdownDeadline, Date() > deadline { killEverything(); break }
        }
        for fd in subscribers { close(fd) }
        for fd in clients.keys { close(fd) }
        return exitStatus
    }

    private func handleSignals() {
        for signal in SignalPipe.drain() where signal != SIGCHLD {
            if shuttingDown {
                options.print("second interrupt: killing the workers now")
                killEverything()
                shutdownDeadline = Date()
            } else {
                options.print("stopping the workers (they save their work first; interrupt again to kill them)")
                beginShutdown(status: 130)
            }
        }
    }

    func beginShutdown(status: Int32) {
        guard !shuttingDown else { return }
        shuttingDown = true
        exitStatus = status
        shutdownDeadline = Date().addingTimeInterval(20)
        for handle in handles {
            handle.stopping = true
            handle.restartAt = nil
            handle.send(WorkerCommand(.stop))
        }
        if let queueRunner { kill(queueRunner, SIGTERM) }
    }

    private func killEverything() {
        for handle in handles {
            killAgent(of: handle)
            if let pid = handle.pid { kill(pid, SIGKILL) }
        }
        if let teamGroup { kill(-teamGroup, SIGKILL) }
        if let runner = queueRunner {
            kill(runner, SIGKILL)
            _ = ProcessSpawner.wait(runner, block: true)
            queueRunner = nil
        }
        for handle in handles where handle.pid != nil {
            _ = ProcessSpawner.wait(handle.pid!, block: true)
            handle.pid = nil
            handle.closePipes()
        }
    }

    // MARK: Worker processes

    func spawn(_ handle: WorkerHandle) {
        // Close-on-exec from the start (the sync thread spawns git meanwhile); the worker gets its
        // ends as its standard input and output.
        let toWorker: (read: Int32, write: Int32), fromWorker: (read: Int32, write: Int32)
        do throws(SpawnError) {
            toWorker = try ProcessSpawner.pipe()
            do { fromWorker = try ProcessSpawner.pipe() } catch {
                close(toWorker.read); close(toWorker.write)
                throw error
            }
        } catch {
            markOffline(handle, "cannot create pipes: \(String(cString: strerror(error.code)))")
            return
        }
        _ = fcntl(fromWorker.read, F_SETFL, O_NONBLOCK)
        var options = ProcessSpawner.Options()
        options.directory = repositoryRoot
        options.stdin = .descriptor(toWorker.read)
        options.stdout = .descriptor(fromWorker.write)
        options.stderr = .path(paths.logs + "/\(handle.record.name).worker.log", flags: O_WRONLY | O_CREAT | O_APPEND)
        options.processGroup = teamGroup ?? 0
        options.environment = ["GIT_ORCH_MAIN_BRANCH": mainBranch, Confinement.environmentKey: confinement.environmentValue]
        handle.confinement = confinement.description
        // A budget from the mission (not from git config) reaches the workers this way.
        if let budget = settings.teamBudgetUSD { options.environment["GIT_ORCH_TEAM_BUDGET"] = String(budget) }
        let arguments = ["__worker", handle.record.name]
        let pid: Int32
        do throws(SpawnError) {
            do { pid = try ProcessSpawner.spawn(self.options.executable, arguments, options) } catch {
                // The team's group is gone with its last member: start a new one.
                options.processGroup = 0
                pid = try ProcessSpawner.spawn(self.options.executable, arguments, options)
            }
        } catch {
            for fd in [toWorker.read, toWorker.write, fromWorker.read, fromWorker.write] { close(fd) }
            markOffline(handle, error.description)
            return
        }
        close(toWorker.read)
        close(fromWorker.write)
        if options.processGroup == 0 { teamGroup = pid }
        handle.pid = pid
        handle.commandFD = toWorker.write
        handle.eventFD = fromWorker.read
        handle.state = .starting
        handle.lastHeard = .now()
        handle.heardSinceSpawn = false
        handle.restartAt = nil
    }

    private func readEvents(of handle: WorkerHandle) {
        guard let events = handle.readEvents() else {
            // End of file: the process is exiting; reapChildren settles it.
            if handle.eventFD >= 0 { close(handle.eventFD); handle.eventFD = -1 }
            return
        }
        for event in events {
            handle.apply(event)
            emit(event)
            if event.type == .handoffRequested { startHandoff(of: handle, reason: event.state) }
        }
        followTeamSync(after: events)
    }

    private func reapChildren() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { break }
            if pid == queueRunner { queueRunnerExited(status: ProcessSpawner.exitStatus(status)); continue }
            guard let handle = handles.first(where: { $0.pid == pid }) else { continue } // an adopted orphan
            let code = ProcessSpawner.exitStatus(status)
            if handle.eventFD >= 0 { while let more = handle.readEvents(), !more.isEmpty { more.forEach { handle.apply($0); emit($0) } } }
            handle.pid = nil
            handle.closePipes()
            killAgent(of: handle)
            workerExited(handle, status: code)
        }
    }

    private func workerExited(_ handle: WorkerHandle, status: Int32) {
        if handle.restarting && !shuttingDown {
            handle.restarting = false
            handle.restartAt = .now()
            return
        }
        if handle.stopping || shuttingDown {
            handle.state = .stopped
            if handle.retiring { retire(handle) }
            return
        }
        if status == 3 {
            markOffline(handle, handle.reason ?? "went offline")
            return
        }
        handle.crashesInARow += 1
        handle.state = .crashed
        emit(RuntimeEvent(.workerCrashed, worker: handle.record.name, state: WorkerState.crashed.rawValue,
                          message: "exited with status \(status)"))
        switch policy.afterCrash(crashesInARow: handle.crashesInARow, now: .now()) {
        case .offline(let reason): markOffline(handle, reason)
        case .restart(let at): handle.restartAt = at
        }
    }

    func markOffline(_ handle: WorkerHandle, _ reason: String) {
        handle.state = .offline
        handle.reason = reason
        handle.restartAt = nil
        emit(RuntimeEvent(.workerOffline, worker: handle.record.name, state: WorkerState.offline.rawValue, message: reason))
    }

    /// Ends the agent a dead worker left behind (its pid file names the agent's session).
    func killAgent(of handle: WorkerHandle) {
        let file = paths.run + "/\(handle.record.name).agent.pid"
        guard let text = try? String(contentsOfFile: file, encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else { return }
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        unlink(file)
    }

    // MARK: Periodic checks

    private func tick() {
        let now = Timestamp.now()
        for handle in handles {
            if let at = handle.restartAt, now >= at, !shuttingDown {
                handle.restarts += 1
                emit(RuntimeEvent(.workerRestarted, worker: handle.record.name, message: "restart \(handle.restarts)"))
                spawn(handle)
            }
            // A live worker that stopped sending heartbeats is stuck: kill it; the exit restarts it.
            if let pid = handle.pid, !handle.stopping,
               policy.isStuck(lastHeard: handle.lastHeard, heardSinceSpawn: handle.heardSinceSpawn, now: now) {
                emit(RuntimeEvent(.warning, worker: handle.record.name, message: "missed \(settings.missedHeartbeats) heartbeats; restarting"))
                handle.lastHeard = now
                killAgent(of: handle)
                kill(pid, SIGKILL)
            }
        }
        followTeamSync()
        guard !shuttingDown else { return }
        if settings.mergeQueue && teamSync?.holdsLease ?? true { runQueueIfNeeded() }
        refreshConflictsIfDue()
        if options.untilDone || settings.autoscaleMax != nil || settings.idleStopSeconds != nil {
            let graph: TaskGraph
            do { graph = try taskStore.snapshot().graph } catch {
                warnOnce("cannot read the task graph: \(error.description)")
                return
            }
            if options.untilDone { checkDone(graph, now: now) }
            autoscale(graph, now: now)
        }
    }

    /// Finished when no task is claimed and every worker has been idle (or paused, or offline)
    /// for a moment: then nothing more will happen without a person.
    private func checkDone(_ graph: TaskGraph, now: Timestamp) {
        // Work waiting in a halted queue (main is red) will not move without a person.
        var stuck: Set<TaskID> = []
        if queueHalted != nil {
            do { stuck = Set(try MergeQueue(repository: repository).entries().filter { $0.state.isActive }.compactMap(\.task)) } catch {
                // Unknown: not settled yet (the next tick looks again).
                warnOnce("cannot read the merge queue: \(error.description)")
                return
            }
        }
        let claimed = graph.tasks.values.contains { $0.status == .claimed && !stuck.contains($0.id) }
        let quiet = handles.allSatisfy { [.idle, .paused, .offline, .stopped].contains($0.state) && $0.restartAt == nil }
        let ready = graph.readyTasks()
        let moment = SupervisorPolicy.TeamMoment(workClaimed: claimed, queueRunning: queueRunner != nil, workersQuiet: quiet, readyTasks: ready.count)
        if case .notYet(let since) = policy.settled(moment, quietSince: quietSince, now: now) {
            quietSince = since
            return
        }
        let done = graph.tasks.values.filter { $0.status == .done }.count
        let failed = graph.tasks.values.filter { $0.status == .failed }.count
        let left = graph.count - done - failed
        var summary = "all work settled: \(done) done, \(failed) failed, \(left) not done"
        if !ready.isEmpty { summary += " (\(ready.count) ready but no worker can take them: budget, roles or offline workers)" }
        if let queueHalted { summary += "; merge queue halted: \(queueHalted)" }
        options.print(summary)
        // The team is done for good: the queue's warm test worktrees go too (as git orch queue gc).
        do { _ = try MergeQueue(repository: repository).removeTestLanes() } catch {
            options.print("could not remove the queue's test worktrees: \(error.description) (git orch queue gc)")
        }
        beginShutdown(status: done == graph.count ? 0 : 1)
    }

    private func autoscale(_ graph: TaskGraph, now: Timestamp) {
        let live = handles.filter { $0.isLive && !$0.stopping }
        let workers = live.map {
            SupervisorPolicy.LiveWorker(name: $0.record.name, starting: $0.state == .starting, idleSince: $0.state == .idle ? $0.idleSince ?? now : nil)
        }
        switch policy.scale(live: workers, readyTasks: graph.readyTasks().count, lastChange: lastScale, now: now) {
        case .keep:
            return
        case .grow:
            lastScale = now
            do { _ = try scale(to: live.count + 1) } catch {
                emit(RuntimeEvent(.warning, message: "autoscale: could not add a worker: \(error.description)"))
            }
        case .stop(let name, let seconds):
            guard let sleeper = live.first(where: { $0.record.name == name }) else { return }
            lastScale = now
            emit(RuntimeEvent(.workerScaled, worker: name, message: "idle for \(Int(seconds)) s; stopping"))
            sleeper.stopping = true
            sleeper.send(WorkerCommand(.stop))
        }
    }

    // MARK: Events

    func emit(_ event: RuntimeEvent) {
        eventLog.append(event)
        if !subscribers.isEmpty {
            let line = event.jsonLine()
            subscribers.removeAll { fd in
                if ControlSocket.writeLine(fd, line) { return false }
                close(fd)
                return true
            }
        }
        if event.isPersistent && (event.type != .state || event.message != nil) { options.print(describe(event)) }
    }

    private func describe(_ event: RuntimeEvent) -> String {
        var who = event.worker ?? "supervisor"
        if options.color, let hex = handles.first(where: { $0.record.name == event.worker })?.record.color.hex,
           let value = Int(hex.dropFirst(), radix: 16) {
            who = "\u{1b}[38;2;\(value >> 16);\((value >> 8) & 0xff);\(value & 0xff)m\(who)\u{1b}[0m"
        }
        var text = "[\(who)] \(event.type.rawValue)"
        if let task = event.task { text += " \(task.prefix(8))" }
        if let title = event.title { text += " \(title)" }
        if let cost = event.costUSD { text += String(format: " $%.4f", cost) }
        if let message = event.message { text += ": \(message)" }
        return text
    }

    private func warnAboutUncommittedChanges() {
        let git = GitCLI(directory: repositoryRoot)
        if let status = try? git.output(["status", "--porcelain", "--untracked-files=no"]), !status.isEmpty {
            options.print("note: \(repositoryRoot) has uncommitted changes; workers do not see them (they start from \(mainBranch))")
        }
    }
}
