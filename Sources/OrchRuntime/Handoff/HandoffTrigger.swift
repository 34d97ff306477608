/// When a worker asks to be handed off by itself: its agent's last run used at least
/// `orch.handoffContextPercent` (default 80) % of the model's context window (from the token
/// usage in its output and the window the agent reports, else the preset's `contextWindow`), or it finished `orch.handoffAfterTasks`
/// tasks since its process started (off unless set).
struct HandoffTrigger {
    let contextPercent: Double
    let contextWindow: Int?
    let afterTasks: Int?
    private var tasksDone = 0

    init(settings: RuntimeSettings, contextWindow: Int?) {
        contextPercent = settings.handoffContextPercent
        afterTasks = settings.handoffAfterTasks
        self.contextWindow = contextWindow
    }

    /// The handoff reason (`context` or `tasks`) and a message, or nil to go on.
    mutating func check(_ report: AgentReport, finishedTask: Bool) -> (reason: String, message: String)? {
        if finishedTask { tasksDone += 1 }
        // The CLI's own report of its model's window (claude's modelUsage) beats the preset's guess.
        if let window = report.contextWindow ?? contextWindow, window > 0, let used = report.contextTokens,
           Double(used) >= Double(window) * contextPercent / 100 {
            tasksDone = 0
            return ("context", "context at \(used * 100 / window)% of \(window) tokens (threshold \(Int(contextPercent))%)")
        }
        if let limit = afterTasks, tasksDone >= limit {
            tasksDone = 0
            return ("tasks", "\(limit) task(s) done since the last handoff")
        }
        return nil
    }
}
