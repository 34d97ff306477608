import OrchModel
import Testing

/// A worker's budgets and handoff triggers, from the ledger's sums and the agent's report.
struct WorkerPolicyTests {
    func ledger(_ runs: [(worker: String, cost: Double)]) -> LedgerSummary {
        LedgerSummary(runs.map {
            LedgerEntry(task: "t", worker: $0.worker, agent: "claude", model: nil, sessionID: nil, costUSD: $0.cost, costKnown: true,
                        inputTokens: 1, outputTokens: 1, cachedTokens: 0, exitStatus: 0, outcome: "done", started: "s", ended: "e",
                        skills: [], role: nil)
        })
    }

    @Test func theWorkersBudgetThenTheTeamsStopsTheNextRun() {
        let policy = WorkerPolicy(worker: "indigo", workerBudgetUSD: 1, teamBudgetUSD: 3, handoffContextPercent: 80,
                                  handoffAfterTasks: nil, presetContextWindow: nil)
        #expect(policy.budgetReached(ledger([("indigo", 0.6), ("emerald", 2)])) == nil)
        #expect(policy.budgetReached(ledger([("indigo", 0.6), ("indigo", 0.4)])) == "worker budget of $1.0 reached")
        #expect(policy.budgetReached(ledger([("indigo", 0.5), ("emerald", 2.5)])) == "team budget of $3.0 reached")
        let unbounded = WorkerPolicy(worker: "indigo", workerBudgetUSD: nil, teamBudgetUSD: nil, handoffContextPercent: 80,
                                     handoffAfterTasks: nil, presetContextWindow: nil)
        #expect(!unbounded.hasBudget && unbounded.budgetReached(ledger([("indigo", 1e6)])) == nil)
    }

    @Test func aHandoffComesAtTheContextThresholdOfTheReportedWindowOrAfterNTasks() {
        let policy = WorkerPolicy(worker: "indigo", workerBudgetUSD: nil, teamBudgetUSD: nil, handoffContextPercent: 80,
                                  handoffAfterTasks: 3, presetContextWindow: 200_000)
        // The preset's 200k guess would hand off at 160k; claude reported a 1M window.
        #expect(policy.handoff(contextTokens: 170_000, reportedContextWindow: 1_000_000, tasksSinceHandoff: 0) == nil)
        #expect(policy.handoff(contextTokens: 170_000, reportedContextWindow: nil, tasksSinceHandoff: 0)?.reason == "context")
        #expect(policy.handoff(contextTokens: 800_000, reportedContextWindow: 1_000_000, tasksSinceHandoff: 0)
                == .init(reason: "context", message: "context at 80% of 1000000 tokens (threshold 80%)"))
        #expect(policy.handoff(contextTokens: nil, reportedContextWindow: nil, tasksSinceHandoff: 2) == nil)
        #expect(policy.handoff(contextTokens: nil, reportedContextWindow: nil, tasksSinceHandoff: 3)?.reason == "tasks")
    }
}
