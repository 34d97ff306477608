import OrchModel
import Testing

/// Which failures are real attempts at a task and which are the agent's environment.
struct AgentFailurePolicyTests {
    private func failed(_ reason: String, usedModel: Bool = false, usage: String? = nil) -> AgentRunFacts {
        AgentRunFacts(succeeded: false, usedModel: usedModel, reason: reason, usageError: usage)
    }

    @Test func anAgentThatCannotBeStartedTakesTheWorkerOfflineAtOnce() {
        var policy = AgentFailurePolicy()
        let facts = AgentRunFacts(launchError: "cannot run claude: No such file or directory", succeeded: false, usedModel: false, reason: "")
        #expect(policy.judge(facts) == .environment(reason: "cannot run claude: No such file or directory", offline: true))
    }

    @Test func aFailureAfterTalkingToTheModelIsARealAttempt() {
        var policy = AgentFailurePolicy()
        #expect(policy.judge(failed("tests failed", usedModel: true)) == .attemptFailed(reason: "tests failed"))
        #expect(policy.judge(failed("tests failed", usedModel: true)) == .attemptFailed(reason: "tests failed"))
    }

    @Test func theSameSilentFailureTwiceIsTheEnvironment() {
        var policy = AgentFailurePolicy()
        let refusal = "--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons"
        // The first may be passing: the task goes back uncounted and the worker tries again.
        #expect(policy.judge(failed(refusal)) == .environment(reason: refusal, offline: false))
        #expect(policy.judge(failed(refusal)) == .environment(reason: refusal, offline: true))
    }

    @Test func differentSilentFailuresOrAnAttemptInBetweenStartTheCountOver() {
        var policy = AgentFailurePolicy()
        #expect(policy.judge(failed("connection refused")) == .environment(reason: "connection refused", offline: false))
        #expect(policy.judge(failed("rate limited")) == .environment(reason: "rate limited", offline: false))
        #expect(policy.judge(failed("compiler exploded", usedModel: true)) == .attemptFailed(reason: "compiler exploded"))
        #expect(policy.judge(failed("rate limited")) == .environment(reason: "rate limited", offline: false))
        #expect(policy.judge(AgentRunFacts(succeeded: true, usedModel: true, reason: "")) == .succeeded)
        #expect(policy.judge(failed("rate limited")) == .environment(reason: "rate limited", offline: false))
    }

    @Test func aRejectedCommandLineTakesTheWorkerOfflineWithTheCLIsOwnLine() {
        var policy = AgentFailurePolicy()
        let usage = "codex rejected its command line: error: unexpected argument '--full-auto' found"
        #expect(policy.judge(failed("For more information, try '--help'.", usage: usage)) == .environment(reason: usage, offline: true))
    }

    @Test func usageErrorLinesOfClapCommanderAndArgparse() {
        let clap = "error: unexpected argument '--full-auto' found\n\n  tip: to pass '--full-auto' as a value, use '-- --full-auto'\n\n"
            + "Usage: codex exec [OPTIONS] [PROMPT] [COMMAND]\n\nFor more information, try '--help'.\n"
        #expect(UsageErrorLine.find(in: clap) == "error: unexpected argument '--full-auto' found")
        #expect(UsageErrorLine.find(in: "error: unknown option '--bogus'\n") == "error: unknown option '--bogus'")
        #expect(UsageErrorLine.find(in: "usage: aider [-h]\naider: error: unrecognized arguments: --bogus\n")
            == "aider: error: unrecognized arguments: --bogus")
        #expect(UsageErrorLine.find(in: "Error: 500 Internal Server Error\nsomething else\n") == nil)
        #expect(UsageErrorLine.find(in: "") == nil)
    }
}

/// Attempts: a task given back for its environment's sake does not spend one; a task released
/// after failing for good starts over.
struct AttemptCountingTests {
    let now = Timestamp(microseconds: 1_800_000_000_000_000)

    @Test func givingBackUndoesTheClaimsAttempt() throws {
        var graph = TaskGraph(tasks: [Task(id: TaskID(value: 1), title: "a", created: now)])
        try graph.apply(.claim(TaskID(value: 1), worker: "indigo", role: nil), at: now)
        #expect(graph[TaskID(value: 1)]?.attempts == 1)
        let outcome = try graph.apply(.giveBack(TaskID(value: 1)), at: now)
        #expect(outcome.kind == "give-back")
        #expect(graph[TaskID(value: 1)]?.status == .open)
        #expect(graph[TaskID(value: 1)]?.assignee == nil)
        #expect(graph[TaskID(value: 1)]?.attempts == 0)
        #expect(graph[TaskID(value: 1)]?.epoch == 1)
        // Only a claimed task can be given back.
        #expect(throws: GraphError.self) { try graph.apply(.giveBack(TaskID(value: 1)), at: now) }
    }

    @Test func releasingAFailedTaskStartsItsAttemptsOver() throws {
        var graph = TaskGraph(tasks: [Task(id: TaskID(value: 1), title: "a", created: now)])
        for _ in 0..<3 {
            try graph.apply(.claim(TaskID(value: 1), worker: "indigo", role: nil), at: now)
            try graph.apply(.release(TaskID(value: 1)), at: now)
        }
        // A claimed task released keeps its count: the worker's own retries go towards the limit.
        #expect(graph[TaskID(value: 1)]?.attempts == 3)
        try graph.apply(.claim(TaskID(value: 1), worker: "indigo", role: nil), at: now)
        try graph.apply(.fail(TaskID(value: 1), reason: "attempt 4 of 3"), at: now)
        try graph.apply(.release(TaskID(value: 1)), at: now)
        #expect(graph[TaskID(value: 1)]?.attempts == 0)
        try graph.apply(.claim(TaskID(value: 1), worker: "indigo", role: nil), at: now)
        #expect(graph[TaskID(value: 1)]?.attempts == 1)
    }

    @Test func aMergeKeepsTheAttemptsOfTheLaterEpoch() throws {
        let base = TaskGraph(tasks: [Task(id: TaskID(value: 1), title: "a", created: now)])
        var ours = base, theirs = base
        for _ in 0..<2 {
            try ours.apply(.claim(TaskID(value: 1), worker: "indigo", role: nil), at: now)
            try ours.apply(.release(TaskID(value: 1)), at: now)
        }
        try ours.apply(.claim(TaskID(value: 1), worker: "indigo", role: nil), at: now)
        try ours.apply(.fail(TaskID(value: 1), reason: "red"), at: now)
        try ours.apply(.release(TaskID(value: 1)), at: now)
        try theirs.apply(.claim(TaskID(value: 1), worker: "emerald", role: nil), at: now)
        for (one, two) in [(ours, theirs), (theirs, ours)] {
            let result = GraphMerge.merge(base: base, ours: one, theirs: two)
            var graph = one
            graph.upsert(result.changed)
            #expect(graph[TaskID(value: 1)]?.status == .open)
            #expect(graph[TaskID(value: 1)]?.attempts == 0, "the release that started it over wins")
        }
    }
}
