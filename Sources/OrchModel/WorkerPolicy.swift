/// A worker's rules, apart from its processes: whether a budget stops it from starting another
/// agent run, and when it asks to be handed off to a fresh session. The worker loop (OrchRuntime)
/// reads the ledger and the agent's report and carries the decision out.
public struct WorkerPolicy: Sendable, Equatable {
    public var worker: String
    /// The worker's own budget (`--budget`, the mission's) and the team's (`orch.budget`), in USD.
    public var workerBudgetUSD: Double?
    public var teamBudgetUSD: Double?
    /// Hand off when the agent's last run used this much of its model's context window, in %.
    public var handoffContextPercent: Double
    /// Hand off after this many finished tasks (off when nil).
    public var handoffAfterTasks: Int?
    /// The preset's guess at the context window, used when the agent does not report its own.
    public var presetContextWindow: Int?

    public init(worker: String, workerBudgetUSD: Double?, teamBudgetUSD: Double?, handoffContextPercent: Double,
                handoffAfterTasks: Int?, presetContextWindow: Int?) {
        self.worker = worker
        self.workerBudgetUSD = workerBudgetUSD
        self.teamBudgetUSD = teamBudgetUSD
        self.handoffContextPercent = handoffContextPercent
        self.handoffAfterTasks = handoffAfterTasks
        self.presetContextWindow = presetContextWindow
    }

    /// Whether any budget applies (else the ledger need not be read).
    public var hasBudget: Bool { workerBudgetUSD != nil || teamBudgetUSD != nil }

    /// Why this worker may not start another run, or nil: its budget or the team's is spent.
    public func budgetReached(_ ledger: LedgerSummary) -> String? {
        if let budget = workerBudgetUSD, (ledger.byWorker[worker]?.costUSD ?? 0) >= budget { return "worker budget of $\(budget) reached" }
        if let budget = teamBudgetUSD, ledger.total.costUSD >= budget { return "team budget of $\(budget) reached" }
        return nil
    }

    public struct Handoff: Sendable, Equatable {
        /// `context` or `tasks`, as recorded in the handoff.
        public var reason: String
        public var message: String

        public init(reason: String, message: String) {
            self.reason = reason
            self.message = message
        }
    }

    /// When to hand off after a run: the context used (the CLI's own report of its model's window
    /// beats the preset's guess), or the tasks done since the last handoff.
    public func handoff(contextTokens: Int?, reportedContextWindow: Int?, tasksSinceHandoff: Int) -> Handoff? {
        if let window = reportedContextWindow ?? presetContextWindow, window > 0, let used = contextTokens,
           Double(used) >= Double(window) * handoffContextPercent / 100 {
            return Handoff(reason: "context", message: "context at \(used * 100 / window)% of \(window) tokens (threshold \(Int(handoffContextPercent))%)")
        }
        if let limit = handoffAfterTasks, tasksSinceHandoff >= limit {
            return Handoff(reason: "tasks", message: "\(limit) task(s) done since the last handoff")
        }
        return nil
    }
}
