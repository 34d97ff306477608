#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GitKit
import OrchModel
import OrchStore
import ProcessKit

/// A team on a remote, the supervisor's side, on its own thread (with its own repository handle,
/// so the supervisor's loop never waits on the network):
/// - every `syncSeconds` (and soon after `requestSync`), one sync of the graph, the test notes and
///   the shared chains with the remote, then local main follows the remote's main;
/// - every third of `leaseSeconds`, this machine's heartbeat (one write for all its workers) and,
///   when the team has a merge queue, the queue lease asked for or renewed;
/// - a machine whose heartbeat is older than `machineTimeoutSeconds` is gone: the tasks its workers held go
///   back to ready (their pushed branches stay for the next attempt), except work already queued,
///   which the lease holder's queue runner merges, or merged, whose tasks it completes.
/// On stop: a last sync, the lease given back, the machine marked stopped.
final class TeamSync: @unchecked Sendable {
    struct Settings: Sendable {
        var syncSeconds: Double
        var leaseSeconds: Double
        /// How long a machine may go unheard before its tasks come back to the team. Longer than
        /// the lease: a live machine taken for dead runs its tasks twice, while a queue runner
        /// taken for dead only loses the lease (its pushes to main are compare-and-swap).
        var machineTimeoutSeconds: Double
        var mergeQueue: Bool

        /// How often this machine writes its heartbeat: at least three beats in either period.
        var beatSeconds: Double { min(leaseSeconds, machineTimeoutSeconds) / 3 }
    }

    let remoteName: String
    let machine: String
    private let root: String
    private let mainBranch: String
    private let settings: Settings
    private let host = TeamRemote.hostName()
    private let lock = NSLock()
    private var workers: [String] = []
    private var leaseHolder: String?
    private var messages: [RuntimeEvent] = []
    private var stopRequested = false
    private var syncRequested = false
    private let finished = DispatchSemaphore(value: 0)
    /// Warnings said once until the problem goes away, so a broken remote does not flood the log.
    private var lastWarning: [String: String] = [:]

    init(remote: String, machine: String, root: String, mainBranch: String, settings: Settings) {
        remoteName = remote
        self.machine = machine
        self.root = root
        self.mainBranch = mainBranch
        self.settings = settings
    }

    /// The settings from `orch.syncSeconds` (default 2), `orch.leaseSeconds` (default 30) and
    /// `orch.machineTimeoutSeconds` (default three leases: 90).
    static func settings(_ config: RuntimeConfig, mergeQueue: Bool) throws(RuntimeError) -> Settings {
        let lease = try config.number("orch.leaseSeconds", default: 30, range: 0.5...86_400)
        return Settings(syncSeconds: try config.number("orch.syncSeconds", default: 2, range: 0.05...3600), leaseSeconds: lease,
                        machineTimeoutSeconds: try config.number("orch.machineTimeoutSeconds", default: 3 * lease, range: 0.5...259_200),
                        mergeQueue: mergeQueue)
    }

    /// Brings the shared state in before the team is planned (other machines' worker names).
    static func pull(repository: Repository, remote: RemoteGit) throws(RuntimeError) {
        try store { () throws(StoreError) in
            let taskStore = TaskStore(repository: repository)
            try remote.fetch()
            _ = try taskStore.sync(with: remote)
            _ = try taskStore.syncChains(with: remote, names: TaskStore.teamChains)
        }
    }

    // MARK: The supervisor's side (main thread)

    /// One heartbeat now, on the caller's repository handle.
    func beat(repository: Repository, workers names: [String]) throws(RuntimeError) {
        setWorkers(names)
        let remote = try store { () throws(StoreError) in try RemoteGit(remote: remoteName, repository: repository) }
        try beat(MachineStore(repository: repository, remote: remote), stopped: false)
    }

    func start(workers: [String]) {
        setWorkers(workers)
        Thread.detachNewThread { [self] in
            run()
            finished.signal()
        }
    }

    func setWorkers(_ names: [String]) { locked { workers = names } }

    /// Whether this machine holds the queue lease (its queue runner may move the remote's main).
    var holdsLease: Bool { locked { leaseHolder == machine } }
    var queueRunner: String? { locked { leaseHolder } }

    func requestSync() { locked { syncRequested = true } }

    func drainEvents() -> [RuntimeEvent] { locked { defer { messages = [] }; return messages } }

    /// Stops the thread after its last sync; waits at most `timeout` seconds.
    func stop(timeout: Double) {
        locked { stopRequested = true }
        _ = finished.wait(timeout: .now() + timeout)
    }

    // MARK: The thread

    private func run() {
        let repository: Repository
        let remote: RemoteGit
        do {
            repository = try Repository.discover(from: root)
            remote = try RemoteGit(remote: remoteName, repository: repository)
        } catch {
            say(.warning, "team sync cannot start: \(error)")
            return
        }
        let taskStore = TaskStore(repository: repository)
        let machines = MachineStore(repository: repository, remote: remote)
        var lastBeat = Date.distantPast, lastSync = Date.distantPast
        while true {
            let (stop, requested) = locked { (stopRequested, syncRequested) }
            if stop { break }
            let now = Date()
            if now.timeIntervalSince(lastBeat) >= settings.beatSeconds {
                lastBeat = now
                attempt("heartbeat") { () throws(RuntimeError) in try beat(machines, stopped: false) }
                if settings.mergeQueue { attempt("lease") { () throws(RuntimeError) in try renewLease(machines) } }
                attempt("reclaim") { () throws(RuntimeError) in try reclaim(repository: repository, taskStore: taskStore, machines: machines) }
            }
            if requested || now.timeIntervalSince(lastSync) >= settings.syncSeconds {
                lastSync = now
                locked { syncRequested = false }
                attempt("sync") { () throws(RuntimeError) in try syncRound(taskStore: taskStore, remote: remote) }
            }
            usleep(20_000)
        }
        attempt("sync") { () throws(RuntimeError) in try syncRound(taskStore: taskStore, remote: remote) }
        attempt("lease") { () throws(RuntimeError) in try store { () throws(StoreError) in try machines.releaseLease(machine: machine) } }
        attempt("heartbeat") { () throws(RuntimeError) in try beat(machines, stopped: true) }
    }

    private func syncRound(taskStore: TaskStore, remote: RemoteGit) throws(RuntimeError) {
        try store { () throws(StoreError) in
            _ = try taskStore.sync(with: remote)
            _ = try taskStore.syncChains(with: remote, names: TaskStore.teamChains)
        }
        let git = GitCLI(directory: root)
        let fetched = try git.run(["fetch", "--quiet", "--no-tags", remoteName, "+refs/heads/\(mainBranch):refs/remotes/\(remoteName)/\(mainBranch)"],
                                  environment: ["GIT_TERMINAL_PROMPT": "0"], allowFailure: true)
        guard fetched.status == 0 else {
            throw .git(["fetch", remoteName, mainBranch], fetched.errorOutput.split(separator: "\n").first.map(String.init) ?? "failed")
        }
        try RemoteMain.followRemoteMain(main: mainBranch, remote: remoteName, git: git)
    }

    private func beat(_ machines: MachineStore, stopped: Bool) throws(RuntimeError) {
        let names = locked { workers }
        let record = MachineRecord(machine: machine, host: host, pid: getpid(), heartbeat: SystemClock.now(), workers: names, stopped: stopped)
        try store { () throws(StoreError) in try machines.beat(record) }
    }

    private func renewLease(_ machines: MachineStore) throws(RuntimeError) {
        let lease = try store { () throws(StoreError) in
            try machines.requestLease(machine: machine, host: host, pid: getpid(), now: SystemClock.now(), seconds: settings.leaseSeconds)
        }
        let previous = locked { () -> String? in
            defer { leaseHolder = lease?.holder }
            return leaseHolder
        }
        if lease?.holder == machine && previous != machine { say(.message, "queue lease taken: this machine (\(machine)) runs the merge queue for \(remoteName)/\(mainBranch)") }
        if let holder = lease?.holder, holder != machine, previous != holder { say(.message, "the merge queue runs on \(holder)") }
    }

    /// Gives back the tasks held by workers of machines whose heartbeat expired.
    private func reclaim(repository: Repository, taskStore: TaskStore, machines: MachineStore) throws(RuntimeError) {
        let now = SystemClock.now()
        let gone = try store { () throws(StoreError) in try machines.machines() }
            .filter { $0.machine != machine && $0.isGone(at: now, afterSeconds: settings.machineTimeoutSeconds) }
        guard !gone.isEmpty else { return }
        let goneNames = Set(gone.map(\.machine))
        let records = try store { () throws(StoreError) in try WorkerRegistry(repository: repository).all() }
        let orphaned = Set(records.filter { record in record.machine.map { goneNames.contains($0) } ?? false }.map(\.name))
        guard !orphaned.isEmpty else { return }
        let graph = try store { () throws(StoreError) in try taskStore.snapshot() }.graph
        // Work already in the queue stays claimed: the lease holder's runner merges it. So does
        // work already merged whose completion was lost (its runner died): the runner completes it
        // (`MergedWorkPolicy`), where a release would run its agent again for nothing.
        let entries = try store { () throws(StoreError) in try QueueStore(repository: repository).entries() }
        let queued = Set(entries.filter { $0.state.isActive }.compactMap(\.task))
            .union(MergedWorkPolicy.unsettled(entries: entries, graph: graph).compactMap(\.task))
        for task in graph.tasks.values where task.status == .claimed && orphaned.contains(task.assignee ?? "") && !queued.contains(task.id) {
            try store { () throws(StoreError) in _ = try taskStore.apply(.release(task.id)) }
            let owner = records.first { $0.name == task.assignee }?.machine ?? "?"
            say(.taskReleased, "machine \(owner) is gone (no heartbeat for \(Int(settings.machineTimeoutSeconds)) s): \(task.assignee ?? "?") gave back \(task.id.hex.prefix(8)) \(task.title)")
        }
    }

    private func attempt(_ what: String, _ body: () throws(RuntimeError) -> Void) {
        do {
            try body()
            locked { lastWarning[what] = nil }
        } catch {
            let text = error.description
            let repeated = locked { () -> Bool in
                defer { lastWarning[what] = text }
                return lastWarning[what] == text
            }
            if !repeated { say(.warning, "team remote \(remoteName): \(what): \(text)") }
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    private func say(_ type: RuntimeEvent.Kind, _ message: String) {
        locked { messages.append(RuntimeEvent(type, message: message)) }
    }
}
