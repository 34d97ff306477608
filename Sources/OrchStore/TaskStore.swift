#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import GitKit
public import OrchModel

/// The task graph in `refs/orch/graph`: one commit per operation, published by compare-and-swap.
/// One store per thread (it owns a libgit2 repository handle).
public final class TaskStore {
    public let repository: Repository
    /// Supplies operation times; tests inject a fixed clock.
    public var clock: () -> Timestamp
    /// Whether to read and refresh the snapshot cache in `.git/orch/cache/`.
    public var usesCache: Bool
    /// How long to wait for another writer's ref lock, and when a lock counts as left by a crash.
    public var lockPolicy: LockPolicy
    /// The team's remote (`TeamRemote`): when set, `apply` publishes through it.
    public var remote: RemoteGit?
    /// Why the configured team remote cannot be used, when it cannot.
    var remoteProblem: StoreError?
    public internal(set) var statistics = Statistics()
    /// The last snapshot read or written (the sync code in this module updates it too).
    var current: GraphSnapshot?
    /// The lease and the server's message of the last push lost to a race (see `sync`).
    var lastRejection: (OID?, String)?
    private var cache: GraphCache

    public struct Statistics: Sendable, Equatable {
        /// Operations published.
        public var operations = 0
        /// Writes lost to another writer and redone on the new head.
        public var lostRaces = 0
    }

    /// The result of one published operation.
    public struct Applied: Sendable {
        public var outcome: OperationOutcome
        public var commit: OID
        /// Compare-and-swap attempts lost before this one won.
        public var retries: Int
    }

    public init(repository: Repository, clock: @escaping () -> Timestamp = SystemClock.now, usesCache: Bool = true) {
        self.repository = repository
        self.clock = clock
        self.usesCache = usesCache
        lockPolicy = Self.configuredLockPolicy(repository)
        cache = GraphCache(repository: repository)
        // An unusable team remote fails every write (rather than letting this clone work alone,
        // as if it had no team); reads go on.
        do { remote = try TeamRemote.configured(in: repository) } catch { remoteProblem = error }
    }

    /// Opens the store of the repository containing `path`.
    public static func discover(from path: String = ".") throws(StoreError) -> TaskStore {
        TaskStore(repository: try git { () throws(GitError) in try Repository.discover(from: path) })
    }

    /// Opens the store of the repository git would use here (`GIT_DIR`, `git --git-dir`, or a
    /// search up from the working directory).
    public static func discoverFromEnvironment() throws(StoreError) -> TaskStore {
        TaskStore(repository: try git { () throws(GitError) in try Repository.discoverFromEnvironment() })
    }

    public func headCommit() throws(StoreError) -> OID? {
        try git { () throws(GitError) in try repository.referenceTarget(StateRefs.graph) }
    }

    /// Creates the graph if absent. Returns false when it already existed.
    @discardableResult
    public func initialize() throws(StoreError) -> Bool {
        if try headCommit() != nil { return false }
        let commit = try GraphWriter(repository: repository).initialCommit()
        return try git { () throws(GitError) in
            try repository.compareAndSwapReference(StateRefs.graph, to: commit, expecting: nil, message: "git-orch: init", lockPolicy: lockPolicy)
        }
    }

    /// The graph as of the current head of `refs/orch/graph`, read incrementally from the last
    /// snapshot this store (or the cache) holds.
    public func snapshot() throws(StoreError) -> GraphSnapshot {
        guard let head = try headCommit() else { throw .notInitialized }
        return try snapshot(at: head)
    }

    /// The tasks ready at the current head, in claim order, for a worker with `role` (nil: any),
    /// and the graph's corrupt entries. From the cache's ready list when the cache describes the
    /// head (only those tasks are decoded: a tenth of a large graph), else from a full snapshot.
    public func readyTasks(for role: String? = nil) throws(StoreError) -> (tasks: [Task], corrupt: [CorruptEntry]) {
        guard let head = try headCommit() else { throw .notInitialized }
        if current == nil, usesCache, let ready = cache.readReady(at: head) {
            return (ready.tasks.filter { TaskGraph.role(role, fits: $0) }, ready.corrupt)
        }
        let snapshot = try snapshot(at: head)
        return (snapshot.graph.readyTasks(for: role), snapshot.corrupt)
    }

    /// The graph at any commit (a remote head, a merge base), read incrementally from a copy of
    /// the current snapshot, which stays as it is.
    func snapshotAt(_ commit: OID) throws(StoreError) -> GraphSnapshot {
        if let current, current.commit == commit { return current }
        return try GraphLoader(repository: repository).load(commit: commit, reusing: current)
    }

    private func snapshot(at head: OID) throws(StoreError) -> GraphSnapshot {
        if let current, current.commit == head { return current }
        var base = current
        current = nil  // hand the only reference to the loader so it updates in place
        var fromCache = false
        if base == nil && usesCache {
            base = cache.read()
            fromCache = base != nil
        }
        if fromCache, let cached = base, cached.commit == head {
            current = cached
            return cached
        }
        let loaded = try GraphLoader(repository: repository).load(commit: head, reusing: base)
        current = loaded
        if usesCache { cache.write(loaded) }
        return loaded
    }

    /// Applies `operation` to the current head and publishes it; on a lost race re-reads the new
    /// head and applies it again (where it may now be refused, e.g. a task claimed meanwhile).
    @discardableResult
    public func apply(_ operation: GraphOperation) throws(StoreError) -> Applied {
        // A team on a remote: the operation counts once pushed, like a claim with --remote.
        if let remoteProblem { throw remoteProblem }
        if let remote { return try applyThroughRemote(operation, remote: remote) }
        let writer = GraphWriter(repository: repository)
        var retries = 0
        while true {
            guard let head = try headCommit() else { throw .notInitialized }
            let base = try snapshot(at: head)
            let outcome: OperationOutcome
            do {
                outcome = try operation.outcome(on: base.graph, at: clock())
            } catch {
                throw .graph(error)
            }
            if outcome.changed.isEmpty { return Applied(outcome: outcome, commit: head, retries: retries) }
            let write = try writer.commit(outcome.changed, onto: base, message: outcome.commitMessage)
            let published = try git { () throws(GitError) in
                try repository.compareAndSwapReference(StateRefs.graph, to: write.commit, expecting: head, message: "git-orch: \(outcome.summary)", lockPolicy: lockPolicy)
            }
            if published {
                var adopted = current!
                current = nil
                adopted.adopt(write)
                current = adopted
                statistics.operations += 1
                return Applied(outcome: outcome, commit: write.commit, retries: retries)
            }
            retries += 1
            statistics.lostRaces += 1
            // Many writers on one ref: spread the retries so they stop colliding in lockstep.
            if retries > 2 { usleep(UInt32.random(in: 0...UInt32(min(20_000, 500 * retries)))) }
        }
    }

    /// `orch.staleLockSeconds` (default 10) overrides when a ref lock is taken for a crash's leftover.
    private static func configuredLockPolicy(_ repository: Repository) -> LockPolicy {
        var policy = LockPolicy.standard
        if let text = try? repository.configString("orch.staleLockSeconds"), let seconds = Double(text), seconds > 0 {
            policy.staleAfterSeconds = seconds
            policy.timeoutSeconds = max(policy.timeoutSeconds, seconds + 5)
        }
        return policy
    }

    /// Adds one task: a fresh id and the current time, then the `add` operation. Returns the task.
    @discardableResult
    public func addTask(
        title: String, body: String = "", role: String? = nil, priority: Int = 0, deps: [TaskID] = [],
        labels: [String] = [], files: [String] = []
    ) throws(StoreError) -> Task {
        let created = clock()
        let task = Task(
            id: try newTaskID(title: title, at: created), title: title, body: body, role: role, priority: priority,
            deps: deps, labels: labels, files: files, created: created)
        try apply(.add([task]))
        return task
    }

    /// A fresh id for a task titled `title`: a hash of the title, the time and a random nonce.
    public func newTaskID(title: String, at time: Timestamp) throws(StoreError) -> TaskID {
        var nonce = SystemRandomNumberGenerator()
        let seed = "\(title)\u{0}\(time.microseconds)\u{0}\(nonce.next() as UInt64)\(nonce.next() as UInt64)"
        let digest = try git { () throws(GitError) in try OID.hashBlob(Array(seed.utf8)) }
        return TaskID(digestHex: digest.hex)!
    }

    /// The operations recorded in `refs/orch/graph`, newest first.
    public func history(limit: Int = .max) throws(StoreError) -> [Commit] {
        guard let head = try headCommit() else { throw .notInitialized }
        return try git { () throws(GitError) in try repository.history(from: head, limit: limit) }
    }
}

extension Timestamp {
    /// The system's wall clock now.
    public static func now() -> Timestamp { SystemClock.now() }
}

/// The system's wall clock in microseconds.
public enum SystemClock {
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(microseconds: Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000)
    }
}
