import OrchModel

/// When a worker asks to be handed off by itself (WorkerPolicy.handoff): its agent's last run used
/// at least `orch.handoffContextPercent` (default 80) % of the model's context window, or it
/// finished `orch.handoffAfterTasks` tasks since its last handoff (off unless set). Counts the tasks.
struct HandoffTrigger {
    let policy: WorkerPolicy
    private var tasksDone = 0

    init(policy: WorkerPolicy) { self.policy = policy }

    /// The handoff reason (`context` or `tasks`) and a message, or nil to go on.
    mutating func check(_ report: AgentReport, finishedTask: Bool) -> (reason: String, message: String)? {
        if finishedTask { tasksDone += 1 }
        guard let handoff = policy.handoff(contextTokens: report.contextTokens, reportedContextWindow: report.contextWindow,
                                           tasksSinceHandoff: tasksDone) else { return nil }
        tasksDone = 0
        return (handoff.reason, handoff.message)
    }
}
