#if canImport(Glibc)
import Glibc
#endif
import CProcess
import Foundation
public import GitKit
import OrchModel
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
    /// Every event goes to the log, the `watch` subscribers and the terminal.
    let events: EventFanOut
    var mainBranch = ""
    var handles: [WorkerHandle] = []
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
        events = EventFanOut(log: EventLog(path: paths.events), print: options.print)
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
        let config = try RuntimeConfig.read(in: repositoryRoot)
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

    // MARK: The loop

    /// What `run` returns: set by the first `beginShutdown`.
    var exitStatus: Int32 = 0

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
        events.closeSubscribers()
        for fd in clients.keys { close(fd) }
        return exitStatus
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
        if options.untilDone || settings.autoscaleMax != nil || settings.idleStopSeconds != nil { checkDoneAndScale(now: now) }
    }

    // MARK: Events

    /// To the log, the subscribers and the terminal (`EventFanOut`), the worker's name in its colour.
    func emit(_ event: RuntimeEvent) {
        let color = options.color ? handles.first(where: { $0.record.name == event.worker })?.record.color.hex : nil
        events.emit(event, workerColor: color)
    }

    private func warnAboutUncommittedChanges() {
        let git = GitCLI(directory: repositoryRoot)
        // Only a note for the user: a status git cannot give is no reason to say or stop anything.
        if let status = try? git.output(["status", "--porcelain", "--untracked-files=no"]), !status.isEmpty {
            options.print("note: \(repositoryRoot) has uncommitted changes; workers do not see them (they start from \(mainBranch))")
        }
    }
}
