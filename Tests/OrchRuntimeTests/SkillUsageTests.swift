import OrchModel
import Testing

struct SkillUsageTests {
    private func run(_ task: String, _ role: String?, _ skills: [String]) -> LedgerEntry {
        LedgerEntry(task: task, worker: "indigo", agent: "claude", model: nil, sessionID: nil, costUSD: 0, costKnown: true,
                    inputTokens: 0, outputTokens: 0, cachedTokens: 0, exitStatus: 0, outcome: "done", started: "", ended: "",
                    skills: skills, role: role)
    }

    @Test func skillsAreCountedOncePerTaskByTaskType() {
        let usage = SkillUsage.tally([
            run("t1", "backend-dev", ["api-design", "test-run"]),
            run("t1", "backend-dev", ["api-design", "test-run"]), // a retry of the same task
            run("t2", "qa-engineer", ["test-run"]),
            run("t3", nil, ["test-run", "docs-readme"]),
        ])
        #expect(usage.map(\.skill) == ["test-run", "api-design", "docs-readme"])
        #expect(usage[0].tasks == 3)
        #expect(usage[0].byTaskType == ["backend-dev": 1, "qa-engineer": 1, "(no role)": 1])
        #expect(usage[1].tasks == 1)
    }
}
