public import OrchModel

/// What `git orch status --json` prints: the supervisor, each worker, the tasks and the money.
public struct TeamStatus: Codable, Sendable, Equatable {
    public struct Worker: Codable, Sendable, Equatable {
        public var name: String
        public var color: String
        public var hex: String
        public var state: String
        public var pid: Int32?
        public var task: String?
        public var taskTitle: String?
        public var tasksDone: Int
        public var failures: Int
        public var restarts: Int
        public var costUSD: Double
        public var budgetUSD: Double?
        public var roles: [String]
        public var agent: String
        public var model: String?
        public var branch: String
        /// Why the worker is offline or paused, when it is.
        public var reason: String?
        /// How its agents run: "sandbox: bwrap" or "unconfined: <why>" (nil: not running).
        public var confinement: String?
        /// A team on a remote: the machine that runs this worker.
        public var machine: String?

        public init(name: String, color: String, hex: String, state: String, pid: Int32?, task: String?, taskTitle: String?,
                    tasksDone: Int, failures: Int, restarts: Int, costUSD: Double, budgetUSD: Double?, roles: [String],
                    agent: String, model: String?, branch: String, reason: String?, confinement: String? = nil) {
            self.name = name
            self.color = color
            self.hex = hex
            self.state = state
            self.pid = pid
            self.task = task
            self.taskTitle = taskTitle
            self.tasksDone = tasksDone
            self.failures = failures
            self.restarts = restarts
            self.costUSD = costUSD
            self.budgetUSD = budgetUSD
            self.roles = roles
            self.agent = agent
            self.model = model
            self.branch = branch
            self.reason = reason
            self.confinement = confinement
        }
    }

    public struct Tasks: Codable, Sendable, Equatable {
        public var open = 0, ready = 0, claimed = 0, done = 0, failed = 0
        public init() {}

        /// The counts of `graph` (`open` includes the ready ones).
        public init(_ graph: TaskGraph) {
            for task in graph.tasks.values {
                switch task.status {
                case .open: open += 1
                case .claimed: claimed += 1
                case .done: done += 1
                case .failed: failed += 1
                }
            }
            ready = graph.readyTasks().count
        }
    }

    public var running: Bool
    public var pid: Int32?
    public var started: String?
    public var mainBranch: String?
    public var workers: [Worker]
    public var tasks: Tasks
    public var costUSD: Double
    public var budgetUSD: Double?
    /// A team on a remote: the remote, this machine, the machines and the queue lease.
    public var team: Team?
    /// Where the merge queue waits for a person; nil when it does not.
    public var mergeQueue: MergeQueueStop?

    /// Why the merge queue is not merging: main is red (`halted`), or a green merge waits for a
    /// checkout of main whose local changes overlap it (`held`, the same sentence as `queue status`).
    public struct MergeQueueStop: Codable, Sendable, Equatable {
        public var halted: String?
        public var held: String?

        public init(halted: String?, held: String?) {
            self.halted = halted
            self.held = held
        }
    }

    public struct Team: Codable, Sendable, Equatable {
        public var remote: String
        public var machine: String
        /// The machine holding the merge-queue lease (its queue runner serves the remote's main).
        public var queueRunner: QueueLease?
        public var machines: [MachineRecord]
    }

    public init(running: Bool, pid: Int32?, started: String?, mainBranch: String?, workers: [Worker], tasks: Tasks,
                costUSD: Double, budgetUSD: Double?) {
        self.running = running
        self.pid = pid
        self.started = started
        self.mainBranch = mainBranch
        self.workers = workers
        self.tasks = tasks
        self.costUSD = costUSD
        self.budgetUSD = budgetUSD
    }
}
