/// The supervisor's rules, apart from its processes and clock: when a crashed worker restarts or
/// goes offline, when a silent worker counts as stuck, when the team's work is settled, and when
/// to grow or shrink the team. Each takes what it needs and `now`, and returns a decision; the
/// supervisor (OrchRuntime) carries it out. Tested with a manual clock.
public struct SupervisorPolicy: Sendable, Equatable {
    public var heartbeatSeconds: Double
    public var missedHeartbeats: Int
    /// Crashes in a row that take a worker offline (the circuit breaker).
    public var breakerFailures: Int
    public var pollSeconds: Double
    public var autoscaleMax: Int?
    public var autoscaleMin: Int
    public var idleStopSeconds: Double?

    /// Longest restart back-off, and the least time a worker gets to start (a worktree to create,
    /// the catalog to load) before its silence counts.
    public static let maxRestartDelay = 30.0
    public static let startupGraceSeconds = 60.0
    /// Autoscale changes the team at most this often.
    public static let scaleIntervalSeconds = 2.0

    public init(heartbeatSeconds: Double, missedHeartbeats: Int, breakerFailures: Int, pollSeconds: Double,
                autoscaleMax: Int? = nil, autoscaleMin: Int = 1, idleStopSeconds: Double? = nil) {
        self.heartbeatSeconds = heartbeatSeconds
        self.missedHeartbeats = missedHeartbeats
        self.breakerFailures = breakerFailures
        self.pollSeconds = pollSeconds
        self.autoscaleMax = autoscaleMax
        self.autoscaleMin = autoscaleMin
        self.idleStopSeconds = idleStopSeconds
    }

    // MARK: Crashes

    public enum AfterCrash: Sendable, Equatable {
        /// Spawn it again at this time (exponential back-off: 1, 2, 4 ... 30 s).
        case restart(at: Timestamp)
        /// The breaker opened: leave it offline with this reason until a person restarts it.
        case offline(reason: String)
    }

    /// A worker exited unasked; `crashesInARow` counts this crash.
    public func afterCrash(crashesInARow: Int, now: Timestamp) -> AfterCrash {
        if crashesInARow >= breakerFailures { return .offline(reason: "crashed \(crashesInARow) times in a row") }
        var delay = 1.0
        for _ in 1..<max(1, crashesInARow) where delay < Self.maxRestartDelay { delay *= 2 }
        return .restart(at: now.adding(seconds: min(Self.maxRestartDelay, delay)))
    }

    // MARK: Heartbeats

    /// A live worker silent for longer than its missed heartbeats allow (longer while it starts)
    /// is stuck: the supervisor kills it, and its exit restarts it.
    public func isStuck(lastHeard: Timestamp, heardSinceSpawn: Bool, now: Timestamp) -> Bool {
        let allowed = heartbeatSeconds * Double(missedHeartbeats) + 1
        return now.seconds(since: lastHeard) > (heardSinceSpawn ? allowed : max(Self.startupGraceSeconds, allowed))
    }

    // MARK: Done

    /// What `start --until-done` sees at one moment.
    public struct TeamMoment: Sendable, Equatable {
        /// A task is claimed (and not waiting in a halted queue).
        public var workClaimed: Bool
        /// The queue runner is still running.
        public var queueRunning: Bool
        /// Every worker is idle, paused, offline or stopped, with no restart pending.
        public var workersQuiet: Bool
        public var readyTasks: Int

        public init(workClaimed: Bool, queueRunning: Bool, workersQuiet: Bool, readyTasks: Int) {
            self.workClaimed = workClaimed
            self.queueRunning = queueRunning
            self.workersQuiet = workersQuiet
            self.readyTasks = readyTasks
        }
    }

    public enum Settled: Sendable, Equatable {
        /// Work goes on (or may): `quietSince` is what to remember for the next check.
        case notYet(quietSince: Timestamp?)
        /// Nothing more happens without a person.
        case settled
    }

    /// Settled when the team has been quiet: at once when nothing is ready, else after a few polls
    /// (ready tasks no worker takes: budget, roles, offline workers).
    public func settled(_ moment: TeamMoment, quietSince: Timestamp?, now: Timestamp) -> Settled {
        guard !moment.workClaimed && !moment.queueRunning && moment.workersQuiet else { return .notYet(quietSince: nil) }
        let since = quietSince ?? now
        guard moment.readyTasks == 0 || now.seconds(since: since) > max(3, pollSeconds * 3) else { return .notYet(quietSince: since) }
        return .settled
    }

    // MARK: Autoscale

    public struct LiveWorker: Sendable, Equatable {
        public var name: String
        public var starting: Bool
        /// When it went idle, if it is.
        public var idleSince: Timestamp?

        public init(name: String, starting: Bool = false, idleSince: Timestamp? = nil) {
            self.name = name
            self.starting = starting
            self.idleSince = idleSince
        }
    }

    public enum Scale: Sendable, Equatable {
        case keep
        /// One more worker.
        case grow
        /// Stop this worker: idle longer than `orch.idleStopSeconds`.
        case stop(worker: String, idleSeconds: Double)
    }

    /// Grows the team while ready tasks outnumber idle and starting workers (up to
    /// `orch.autoscaleMax`); stops the most recently idle worker past `orch.idleStopSeconds`
    /// (down to `orch.autoscaleMin`). At most one change per `scaleIntervalSeconds`.
    public func scale(live: [LiveWorker], readyTasks: Int, lastChange: Timestamp, now: Timestamp) -> Scale {
        guard now.seconds(since: lastChange) > Self.scaleIntervalSeconds else { return .keep }
        let idle = live.filter { $0.idleSince != nil }
        if let max = autoscaleMax, live.count < max, readyTasks > idle.count + live.filter(\.starting).count { return .grow }
        if let seconds = idleStopSeconds, live.count > autoscaleMin,
           let sleeper = idle.last(where: { now.seconds(since: $0.idleSince!) > seconds }) {
            return .stop(worker: sleeper.name, idleSeconds: seconds)
        }
        return .keep
    }
}
