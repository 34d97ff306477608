import OrchModel
import Testing

struct AssignmentStrategyTests {
    let t0 = Timestamp(microseconds: 1_800_000_000_000_000)

    func task(_ n: UInt64, _ title: String, role: String? = nil, priority: Int = 0, files: [String] = [],
              status: TaskStatus = .open, assignee: String? = nil) -> Task {
        Task(id: TaskID(value: n), title: title, status: status, role: role, priority: priority, assignee: assignee,
             files: files, created: t0.adding(microseconds: Int64(n)))
    }

    func worker(_ roles: [String]) -> WorkerRecord {
        WorkerRecord(name: "indigo", color: WorkerColor.palette[0], agent: "claude", roles: roles, created: t0)
    }

    @Test func capabilityTakesOwnRolesFirstAndNeverOthers() {
        let graph = TaskGraph(tasks: [task(1, "any"), task(2, "ui", role: "ui-dev", priority: 5), task(3, "api", role: "backend-dev")])
        #expect(AssignmentStrategy.capability.pick(for: worker(["backend-dev"]), in: graph)?.title == "api")
        #expect(AssignmentStrategy.capability.pick(for: worker(["qa-engineer"]), in: graph)?.title == "any")
        #expect(AssignmentStrategy.capability.pick(for: worker([]), in: graph)?.title == "ui")
        let onlyUI = TaskGraph(tasks: [task(2, "ui", role: "ui-dev")])
        #expect(AssignmentStrategy.capability.pick(for: worker(["backend-dev"]), in: onlyUI) == nil)
        #expect(AssignmentStrategy.workStealing.pick(for: worker(["backend-dev"]), in: onlyUI)?.title == "ui")
        #expect(AssignmentStrategy.roundRobin.pick(for: worker(["backend-dev"]), in: graph)?.title == "ui")
    }

    @Test func tasksOnFilesAnotherWorkerHoldsWait() {
        let graph = TaskGraph(tasks: [
            task(1, "held", files: ["src/app.swift"], status: .claimed, assignee: "emerald"),
            task(2, "same file", priority: 9, files: ["src/app.swift"]),
            task(3, "elsewhere", files: ["docs/guide.md"]),
        ])
        #expect(AssignmentStrategy.capability.pick(for: worker([]), in: graph)?.title == "elsewhere")
        let blocked = TaskGraph(tasks: [graph[TaskID(value: 1)]!, graph[TaskID(value: 2)]!])
        #expect(AssignmentStrategy.capability.pick(for: worker([]), in: blocked) == nil)
    }
}

struct TokenBucketAndBreakerTests {
    @Test func bucketAllowsABurstThenTheRate() {
        let start = Timestamp(microseconds: 0)
        var bucket = TokenBucket(capacity: 2, perSecond: 1, updated: start)
        #expect(bucket.take(at: start) == 0)
        #expect(bucket.take(at: start) == 0)
        #expect(abs(bucket.take(at: start) - 1) < 1e-9, "the third start waits a second")
        #expect(bucket.take(at: start.adding(microseconds: 500_000)) > 0)
        #expect(bucket.take(at: start.adding(microseconds: 1_000_000)) == 0)
        #expect(bucket.take(at: start.adding(microseconds: 60_000_000)) == 0)
        #expect(bucket.tokens <= 2, "never more than the capacity")
    }

    @Test func breakerOpensAfterConsecutiveFailuresOnly() {
        var breaker = CircuitBreaker(threshold: 3)
        breaker.record(success: false)
        breaker.record(success: false)
        breaker.record(success: true)
        breaker.record(success: false)
        breaker.record(success: false)
        #expect(!breaker.isOpen)
        breaker.record(success: false)
        #expect(breaker.isOpen)
    }

    @Test func paletteNamesWorkersBeyondItsSize() {
        #expect(WorkerColor.slot(0).name == "indigo" && WorkerColor.slot(0).color.hex == "#6366f1")
        #expect(WorkerColor.slot(3).name == "rose" && WorkerColor.slot(3).color.background == "#0f0a0c")
        #expect(WorkerColor.slot(WorkerColor.palette.count).name == "indigo-2")
    }
}
