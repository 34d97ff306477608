#if canImport(Glibc)
import Glibc
#endif
import Foundation
public import GitKit
public import OrchCatalog
public import OrchModel
import OrchStore
import ProcessKit

/// A worker process's life: claim a task that fits, build the prompt, run the agent in the
/// worktree, commit what it changed, mark the task done (or give it back), and again, until the
/// supervisor says stop or goes away.
public final class WorkerLoop {
    let record: WorkerRecord
    let preset: AgentPreset
    let settings: RuntimeSettings
    let paths: RuntimePaths
    let repository: Repository
    let taskStore: TaskStore
    let channel: WorkerChannel
    let mainBranch: String
    let repositoryRoot: String
    /// Where the agent works (`Worktrees.ensure` makes it at start).
    let worktree: String
    let memory: WorkerMemory
    let queueLink: QueueLink
    /// What happens to a task after a run (commit, queue, give back) and what the run cost.
    let settlement: TaskSettlement
    let promptAssembly: PromptAssembly
    private var sandbox: WorkerSandbox?
    /// This worker's port range (`GIT_ORCH_PORT`), held while the process lives.
    private var portSlot: PortSlot?
    private var portEnvironment: [String: String] { portSlot.map { settings.project.portEnvironment(slot: $0.number) } ?? [:] }
    private var paused = false
    private var stopRequest: (release: Bool, Void)?
    private var breaker: CircuitBreaker
    private var mcpConfig: String? { memory.mcpConfigFile(offered: settings.offerMCP && preset.mcp != nil) }
    /// Budgets and handoff triggers (OrchModel).
    private let policy: WorkerPolicy
    private var handoffTrigger: HandoffTrigger

    public init(record: WorkerRecord, preset: AgentPreset, settings: RuntimeSettings, repository: Repository,
                catalog: Catalog, mainBranch: String) throws(RuntimeError) {
        guard let root = repository.workingDirectory else { throw .invalidInput("workers need a repository with a working tree, not a bare one") }
        self.record = record
        self.preset = preset
        self.settings = settings
        self.repository = repository
        self.mainBranch = mainBranch
        self.repositoryRoot = root
        paths = RuntimePaths(repository: repository)
        worktree = paths.worktree(record.name)
        taskStore = TaskStore(repository: repository)
        channel = WorkerChannel(worker: record.name, heartbeatSeconds: settings.heartbeatSeconds)
        breaker = CircuitBreaker(threshold: settings.breakerFailures)
        memory = WorkerMemory(paths: paths, worker: record.name, resumable: preset.resume != nil)
        queueLink = QueueLink(repository: repository, record: record, worktree: worktree, mainBranch: mainBranch)
        let scope = WorkerScope(record: record, repository: repository, channel: channel, paths: paths, worktree: worktree,
                                mainBranch: mainBranch, memory: memory)
        settlement = TaskSettlement(scope: scope, preset: preset, settings: settings, repositoryRoot: root, taskStore: taskStore,
                                    queueLink: queueLink)
        promptAssembly = PromptAssembly(scope: scope, catalog: catalog)
        policy = WorkerPolicy(worker: record.name, workerBudgetUSD: record.budgetUSD, teamBudgetUSD: settings.teamBudgetUSD,
                              handoffContextPercent: settings.handoffContextPercent, handoffAfterTasks: settings.handoffAfterTasks,
                              presetContextWindow: preset.contextWindow)
        handoffTrigger = HandoffTrigger(policy: policy)
    }

    /// Runs until told to stop; returns the process's exit status (3: offline, do not restart; 1: it
    /// could not start, retry).
    public func run() -> Int32 {
        do {
            // Made at `worktree` (`paths.worktree`), or found there from an earlier run.
            _ = try Worktrees(repositoryRoot: repositoryRoot, paths: paths).ensure(record, base: mainBranch)
            try AgentScratchFiles.exclude(in: repositoryRoot)
            portSlot = try PortSlot.acquire(in: paths.portSlots, owner: record.name)
            // Once per new worktree: copied files (.env), then the project's setup command.
            if let prepared = try settings.project.prepareWorktree(worktree, from: repositoryRoot, environment: portEnvironment) {
                channel.send(RuntimeEvent(.message, message: prepared))
            }
            try FileManager.default.createDirectory(atPath: paths.logs, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: paths.prompts, withIntermediateDirectories: true)
            try settlement.saveLeftovers()
            sandbox = try WorkerSandbox(confinement: WorkerSandbox.confinement(settings: settings), worker: record.name, preset: preset,
                                        worktree: worktree, repositoryRoot: repositoryRoot, paths: paths,
                                        offerMCP: settings.offerMCP, mcpConfig: mcpConfig)
        } catch {
            // Maybe passing (a lock, a busy disk): exit as a crash, so the supervisor retries a few
            // times with backoff before it takes the worker offline with this message.
            channel.send(RuntimeEvent(.warning, message: "cannot start: \(error.description)"))
            return 1
        }
        var started = RuntimeEvent(.workerStarted, state: WorkerState.idle.rawValue, message: worktree)
        started.pid = getpid()
        channel.send(started)
        while stopRequest == nil && !channel.supervisorGone {
            if paused || overBudget() {
                pauseUntilResumed()
                continue
            }
            if settings.mergeQueue {
                // One piece of work in the queue at a time per worker: the next task starts from
                // main with that work merged, or from main again when it was rejected.
                do {
                    if !(try queueLink.queuedTasks()).isEmpty {
                        idle(seconds: settings.pollSeconds)
                        continue
                    }
                } catch {
                    channel.warn(error.description)
                    idle(seconds: settings.pollSeconds)
                    continue
                }
                catchUpWithMain()
            }
            let task: Task?
            do { task = try nextTask() } catch {
                channel.warn(error.description)
                idle(seconds: settings.pollSeconds)
                continue
            }
            guard let task else {
                if channel.lastState != WorkerState.idle.rawValue { channel.send(RuntimeEvent(.state, state: WorkerState.idle.rawValue)) }
                idle(seconds: settings.pollSeconds)
                continue
            }
            let succeeded = work(on: task)
            if let reason = settlement.offlineReason {
                channel.send(RuntimeEvent(.workerOffline, state: WorkerState.offline.rawValue, message: reason))
                return 3
            }
            breaker.record(success: succeeded)
            if breaker.isOpen {
                channel.send(RuntimeEvent(.workerOffline, state: WorkerState.offline.rawValue,
                                          message: "\(breaker.consecutiveFailures) failures in a row; circuit breaker open"))
                return 3
            }
        }
        channel.send(RuntimeEvent(.workerStopped, state: WorkerState.stopped.rawValue))
        return 0
    }

    // MARK: Choosing work

    private var lastCatchUp: (main: OID?, head: OID?)?

    /// Before claiming: the branch follows main, and work the queue rejected is set aside; its
    /// task gets the reason in its next prompt (the queue itself fails it after `maxAttempts`).
    private func catchUpWithMain() {
        // Unread tips are said, and the catch-up runs anyway (nothing to compare with).
        var tips: (main: OID?, head: OID?)?
        do { tips = (try repository.referenceTarget("refs/heads/" + mainBranch), try repository.referenceTarget("refs/heads/" + record.branch)) } catch {
            channel.warn("cannot read the tips of \(mainBranch) and \(record.branch): \(error.description)")
        }
        if let last = lastCatchUp, let tips, last.main == tips.main, last.head == tips.head { return }
        do {
            for (id, reason) in try queueLink.catchUp() {
                memory.rememberFailure(of: id, "the merge queue rejected the previous attempt: \(reason)")
            }
            lastCatchUp = tips
        } catch {
            channel.send(RuntimeEvent(.warning, message: "could not bring \(record.branch) up to \(mainBranch): \(error.description)"))
        }
    }

    /// The task this worker already holds (a restart resumes it), else a fresh claim.
    private func nextTask() throws(RuntimeError) -> Task? {
        let snapshot = try store { () throws(StoreError) in try taskStore.snapshot() }
        let queued = settings.mergeQueue ? try queueLink.handedOverTasks() : []
        if let own = snapshot.graph.tasks.values.filter({ $0.status == .claimed && $0.assignee == record.name && !queued.contains($0.id) })
            .min(by: TaskGraph.claimOrder) {
            channel.send(RuntimeEvent(.taskResumed, task: own.id, title: own.title, state: WorkerState.running.rawValue))
            return own
        }
        var graph = snapshot.graph
        for _ in 0..<8 {
            guard let pick = settings.strategy.pick(for: record, in: graph) else { return nil }
            if channel.lastState == WorkerState.idle.rawValue {
                // Not idle while the claim is on its way (a push to a team remote can take seconds):
                // an idle team with ready tasks is one the supervisor takes for settled. The last
                // task's end said idle too.
                channel.send(RuntimeEvent(.state, state: WorkerState.starting.rawValue))
            }
            do {
                let applied = try taskStore.apply(.claim(pick.id, worker: record.name, role: nil))
                guard let claimed = applied.outcome.changed.first else { return nil }
                channel.send(RuntimeEvent(.taskClaimed, task: claimed.id, title: claimed.title, state: WorkerState.running.rawValue))
                return claimed
            } catch {
                // Another worker took it first: look again at the newer graph.
                guard case .graph = error else { throw .store(error) }
                graph = try store { () throws(StoreError) in try taskStore.snapshot() }.graph
            }
        }
        return nil
    }

    /// Why this worker may not start another agent run (its budget or the team's is spent), or nil.
    /// A ledger that cannot be read leaves the spending unknown: the worker pauses with that reason
    /// rather than spend past a budget it cannot check.
    private func budgetReached() -> String? {
        guard policy.hasBudget else { return nil }
        do {
            return policy.budgetReached(try Ledger(repository: repository).summary())
        } catch {
            return "budget unknown: \(StateRefs.ledger) cannot be read (\(error.description))"
        }
    }

    /// Whether the budget stops this worker; says so once per pause.
    private func overBudget() -> Bool {
        guard let reason = budgetReached() else { return false }
        if !budgetAnnounced {
            budgetAnnounced = true
            channel.send(RuntimeEvent(.budgetReached, state: WorkerState.paused.rawValue, message: reason))
        }
        return true
    }

    private var budgetAnnounced = false

    // MARK: Doing work

    /// Runs the agent on `task` and settles the task. Returns whether the run counts as a success
    /// for the circuit breaker.
    private func work(on task: Task) -> Bool {
        let log = TerminalLog(path: paths.terminalLog(record.name), limit: settings.terminalLogBytes)
        log.append("\r\n\u{1b}[1m=== \(record.name): task \(task.id.hex.prefix(8)) \(task.title) (attempt \(task.attempts)) ===\u{1b}[0m\r\n")
        let role = promptAssembly.role(for: task)
        let prompt = promptAssembly.prompt(for: task, role: role)
        let session = memory.session(for: task.id)
        let invocation = preset.invocation(prompt: prompt.text, promptFile: prompt.file, sessionID: session.id, resuming: session.resuming,
                                           model: record.model, worktree: worktree, mcpConfig: mcpConfig)
        let limiter = SharedRateLimiter(path: paths.rateLimiter, capacity: settings.agentStartBurst, perSecond: settings.agentStartsPerMinute / 60)
        // Waiting for a start keeps the heartbeats going and the supervisor's commands heard.
        _ = limiter.acquire { seconds in
            idle(seconds: seconds)
            return !channel.supervisorGone && stopRequest == nil
        }
        let started = Timestamp.now()
        let headBefore = settlement.headBeforeRun(of: task)
        var agent = AgentSession(preset: preset, worktree: worktree, channel: channel, log: log, settings: settings,
                                 pidFile: paths.run + "/\(record.name).agent.pid")
        agent.onPaused = { [weak self] in self?.paused = $0 }
        // Only a session the agent itself reported is ever resumed (codex picks its own ids).
        agent.onSession = { [memory] in memory.rememberSession($0, of: task.id) }
        agent.rawLog = TerminalLog(path: paths.rawTerminalLog(record.name), limit: settings.terminalLogBytes)
        agent.color = record.color.hex
        let outcome: AgentSession.Outcome
        do {
            // Inside bubblewrap when the worker is confined (Sandbox/).
            let (confined, environment) = try sandbox?.wrap(invocation, task: task.id, presetName: preset.name) ?? (invocation, [:])
            outcome = try agent.run(confined, task: task.id,
                                    environment: environment.merging(portEnvironment) { $1 }.merging(["GIT_ORCH_TASK": task.id.hex]) { $1 })
        } catch {
            settlement.handBack(task, .environment(reason: error.description, offline: true))
            return false
        }
        if case .stopped(let release) = outcome.interruption { stopRequest = (release, ()) }
        if outcome.interruption == .supervisorGone { stopRequest = (false, ()) }
        settlement.recordCost(task, outcome, session: session.id, skills: prompt.skills.map(\.id), role: role?.id, started: started)
        if let handoff = handoffTrigger.check(outcome.report, finishedTask: outcome.succeeded) {
            channel.send(RuntimeEvent(.handoffRequested, task: task.id, state: handoff.reason, message: handoff.message))
        }
        return settlement.settle(task, after: outcome, role: role, headBefore: headBefore)
    }

    // MARK: Waiting

    private func idle(seconds: Double) {
        let until = Date().addingTimeInterval(seconds)
        while Date() < until && stopRequest == nil && !channel.supervisorGone {
            handle(channel.wait(timeout: until.timeIntervalSinceNow).commands)
        }
    }

    private func pauseUntilResumed() {
        channel.send(RuntimeEvent(.state, state: WorkerState.paused.rawValue))
        while stopRequest == nil && !channel.supervisorGone {
            handle(channel.wait(timeout: settings.pollSeconds * 5).commands)
            if !paused && budgetReached() == nil { break }
        }
        budgetAnnounced = false
    }

    private func handle(_ commands: [WorkerCommand]) {
        for command in commands {
            switch command.command {
            case .stop: stopRequest = (command.release ?? false, ())
            case .pause: paused = true
            case .resume: paused = false
            case .input: break
            }
        }
    }
}
