// What the ledger (`refs/orch/ledger`) holds, and the sums read from it.

/// One agent run's cost, as kept in `refs/orch/ledger` under `runs/<task>/<time>-<worker>.json`.
public struct LedgerEntry: Codable, Sendable, Equatable {
    public var task: String
    public var worker: String
    public var agent: String
    public var model: String?
    public var sessionID: String?
    public var costUSD: Double
    /// False when the agent reported no cost and none could be computed from tokens.
    public var costKnown: Bool
    public var inputTokens: Int
    public var outputTokens: Int
    public var cachedTokens: Int
    public var exitStatus: Int32
    /// done, failed, stopped, timed-out
    public var outcome: String
    public var started: String
    public var ended: String
    public var skills: [String]
    public var role: String?
    /// The agent CLI's `--version` line at the time of the run, when it gives one.
    public var agentVersion: String?

    public init(task: String, worker: String, agent: String, model: String?, sessionID: String?, costUSD: Double,
                costKnown: Bool, inputTokens: Int, outputTokens: Int, cachedTokens: Int, exitStatus: Int32,
                outcome: String, started: String, ended: String, skills: [String], role: String?) {
        self.task = task
        self.worker = worker
        self.agent = agent
        self.model = model
        self.sessionID = sessionID
        self.costUSD = costUSD
        self.costKnown = costKnown
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedTokens = cachedTokens
        self.exitStatus = exitStatus
        self.outcome = outcome
        self.started = started
        self.ended = ended
        self.skills = skills
        self.role = role
    }
}

/// Sums of ledger entries.
public struct CostTotals: Codable, Sendable, Equatable {
    public var costUSD = 0.0
    public var inputTokens = 0
    public var outputTokens = 0
    public var runs = 0
    /// Runs that finished their task.
    public var tasksDone = 0

    public init() {}

    public mutating func add(_ entry: LedgerEntry) {
        if entry.outcome == "done" { tasksDone += 1 }
        costUSD += entry.costUSD
        inputTokens += entry.inputTokens
        outputTokens += entry.outputTokens
        runs += 1
    }
}

/// The ledger summed: in all, per worker and per task.
public struct LedgerSummary: Codable, Sendable, Equatable {
    public var total = CostTotals()
    public var byWorker: [String: CostTotals] = [:]
    public var byTask: [String: CostTotals] = [:]

    public init(_ entries: [LedgerEntry] = []) {
        for entry in entries {
            total.add(entry)
            byWorker[entry.worker, default: CostTotals()].add(entry)
            byTask[entry.task, default: CostTotals()].add(entry)
        }
    }
}

/// How often a skill was selected for tasks, overall and by task type (the task's role).
public struct SkillUsage: Codable, Sendable, Equatable {
    public var skill: String
    /// Distinct tasks whose prompt carried the skill.
    public var tasks: Int
    public var byTaskType: [String: Int]
}

extension SkillUsage {
    /// Skills selected per task (counted once per task, whatever its retries), most used first.
    public static func tally(_ entries: [LedgerEntry]) -> [SkillUsage] {
        var seen: Set<String> = []
        var usage: [String: SkillUsage] = [:]
        for entry in entries {
            let type = entry.role ?? "(no role)"
            for skill in entry.skills where seen.insert(entry.task + "\u{0}" + skill).inserted {
                usage[skill, default: SkillUsage(skill: skill, tasks: 0, byTaskType: [:])].tasks += 1
                usage[skill]!.byTaskType[type, default: 0] += 1
            }
        }
        return usage.values.sorted { $0.tasks != $1.tasks ? $0.tasks > $1.tasks : $0.skill < $1.skill }
    }
}
