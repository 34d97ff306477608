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
    let catalog: Catalog
    let mainBranch: String
    let repositoryRoot: String
    private var worktree = ""
    private var sandbox: WorkerSandbox?
    /// This worker's port range (`GIT_ORCH_PORT`), held while the process lives.
    private var portSlot: PortSlot?
    private var portEnvironment: [String: String] { portSlot.map { settings.project.portEnvironment(slot: $0.number) } ?? [:] }
    private var paused = false
    private var stopRequest: (release: Bool, Void)?
    private var breaker: CircuitBreaker
    /// Tells a failed real attempt from an agent that cannot run here (AgentFailurePolicy).
    private var failurePolicy = AgentFailurePolicy()
    /// Set when the agent's environment is broken: the worker goes offline with this reason.
    private var offlineReason: String?
    private var memory: WorkerMemory { WorkerMemory(paths: paths, worker: record.name, resumable: preset.resume != nil) }
    private var mcpConfig: String? { memory.mcpConfigFile(offered: settings.offerMCP && preset.mcp != nil) }
    private var queueLink: QueueLink { QueueLink(repository: repository, record: record, worktree: worktree, mainBranch: mainBranch) }
    /// Budgets and handoff triggers (OrchModel).
    private var policy: WorkerPolicy {
        WorkerPolicy(worker: record.name, workerBudgetUSD: record.budgetUSD, teamBudgetUSD: settings.teamBudgetUSD,
                     handoffContextPercent: settings.handoffContextPercent, handoffAfterTasks: settings.handoffAfterTasks,
                     presetContextWindow: preset.contextWindow)
    }
    private lazy var handoffTrigger = HandoffTrigger(policy: policy)

    public init(record: WorkerRecord, preset: AgentPreset, settings: RuntimeSettings, repository: Repository,
                catalog: Catalog, mainBranch: String) throws(RuntimeError) {
        guard let root = repository.workingDirectory else { throw .invalidInput("workers need a repository with a working tree, not a bare one") }
        self.record = record
        self.preset = preset
        self.settings = settings
        self.repository = repository
        self.catalog = catalog
        self.mainBranch = mainBranch
        self.repositoryRoot = root
        paths = RuntimePaths(repository: repository)
        taskStore = TaskStore(repository: repository)
        channel = WorkerChannel(worker: record.name, heartbeatSeconds: settings.heartbeatSeconds)
        breaker = CircuitBreaker(threshold: settings.breakerFailures)
    }

    /// Runs until told to stop; returns the process's exit status (3: offline, do not restart; 1: it
    /// could not start, retry).
    public func run() -> Int32 {
        do {
            worktree = try Worktrees(repositoryRoot: repositoryRoot, paths: paths).ensure(record, base: mainBranch)
            try AgentScratchFiles.exclude(in: repositoryRoot)
            portSlot = try PortSlot.acquire(in: paths.portSlots, owner: record.name)
            // Once per new worktree: copied files (.env), then the project's setup command.
            if let prepared = try settings.project.prepareWorktree(worktree, from: repositoryRoot, environment: portEnvironment) {
                channel.send(RuntimeEvent(.message, message: prepared))
            }
            try FileManager.default.createDirectory(atPath: paths.logs, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: paths.prompts, withIntermediateDirectories: true)
            try saveLeftovers()
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
        var idleAnnounced = false
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
                    warn(error.description)
                    idle(seconds: settings.pollSeconds)
                    continue
                }
                catchUpWithMain()
            }
            let task: Task?
            do { task = try nextTask() } catch {
                warn(error.description)
                idle(seconds: settings.pollSeconds)
                continue
            }
            guard let task else {
                if !idleAnnounced { channel.send(RuntimeEvent(.state, state: WorkerState.idle.rawValue)); idleAnnounced = true }
                idle(seconds: settings.pollSeconds)
                continue
            }
            idleAnnounced = false
            let succeeded = work(on: task)
            if let reason = offlineReason {
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
        let tips = (main: try? repository.referenceTarget("refs/heads/" + mainBranch), head: try? repository.referenceTarget("refs/heads/" + record.branch))
        if let last = lastCatchUp, last.main == tips.main, last.head == tips.head { return }
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

    /// Runs the agent on `task` and settles the task. Returns whether the agent succeeded.
    private func work(on task: Task) -> Bool {
        let log = TerminalLog(path: paths.terminalLog(record.name), limit: settings.terminalLogBytes)
        log.append("\r\n\u{1b}[1m=== \(record.name): task \(task.id.hex.prefix(8)) \(task.title) (attempt \(task.attempts)) ===\u{1b}[0m\r\n")
        let role = task.role.flatMap { catalog.role($0) } ?? record.roles.first.flatMap { catalog.role($0) }
        let skills = selectSkills(for: task, role: role)
        let messages: [WorkerMessage]
        do { messages = try Inbox(repository: repository).deliver(to: record.name) } catch {
            messages = []
            warn("messages for \(record.name) not delivered: \(error.description)")
        }
        var handoff: (path: String, text: String)?
        do { handoff = try HandoffStore(repository: repository).latestDocument(for: record.name) } catch {
            warn("the hand-off document for \(record.name) cannot be read: \(error.description)")
        }
        let prompt = PromptBuilder.build(PromptContext(
            worker: record, task: task, role: role, skills: skills, handoff: handoff?.text, messages: messages,
            repositoryContext: repositoryContext(), previousFailure: previousAttempts(of: task)))
        let promptFile = paths.prompts + "/\(record.name)-\(task.id.hex).md"
        _ = FileManager.default.createFile(atPath: promptFile, contents: Data(prompt.utf8))
        let session = memory.session(for: task.id)
        let invocation = preset.invocation(prompt: prompt, promptFile: promptFile, sessionID: session.id, resuming: session.resuming,
                                           model: record.model, worktree: worktree, mcpConfig: mcpConfig)
        let limiter = SharedRateLimiter(path: paths.rateLimiter, capacity: settings.agentStartBurst, perSecond: settings.agentStartsPerMinute / 60)
        // Waiting for a start keeps the heartbeats going and the supervisor's commands heard.
        _ = limiter.acquire { seconds in
            idle(seconds: seconds)
            return !channel.supervisorGone && stopRequest == nil
        }
        let started = Timestamp.now()
        let headBefore = try? GitCLI(directory: worktree).output(["rev-parse", "HEAD"])
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
            handBack(task, .environment(reason: error.description, offline: true))
            return false
        }
        if case .stopped(let release) = outcome.interruption { stopRequest = (release, ()) }
        if outcome.interruption == .supervisorGone { stopRequest = (false, ()) }
        let succeeded = outcome.interruption == nil && outcome.exitStatus == 0 && !outcome.report.isError
        recordCost(task, outcome, session: session.id, skills: skills.map(\.id), role: role?.id, started: started, succeeded: succeeded)
        if let handoff = handoffTrigger.check(outcome.report, finishedTask: succeeded) {
            channel.send(RuntimeEvent(.handoffRequested, task: task.id, state: handoff.reason, message: handoff.message))
        }
        if outcome.interruption != nil && outcome.interruption != .timedOut {
            saveWork(of: task, note: "stopped")
            if case .stopped(true) = outcome.interruption { release(task, reason: "worker \(record.name) was stopped") }
            return true
        }
        if succeeded, let allowed = noChangeVerdict(task, role: role, headBefore: headBefore) {
            // No silent no-ops: a run that changed nothing is said, and fails unless the task allows it.
            channel.send(RuntimeEvent(.warning, task: task.id, message: "the agent made no changes" + (allowed ? " (the task allows it)" : "")))
            if !allowed {
                settle(task, succeeded: false, reason: "made no changes")
                return false
            }
        }
        if succeeded {
            _ = failurePolicy.judge(AgentRunFacts(succeeded: true, usedModel: outcome.usedModel, reason: ""))
            settle(task, succeeded: true, reason: nil)
        } else if outcome.interruption == .timedOut {
            settle(task, succeeded: false, reason: "timed out after \(Int(settings.taskTimeoutSeconds)) s")
        } else {
            let reason = outcome.report.errorMessage ?? "agent exited with status \(outcome.exitStatus)" + (outcome.lastLine.map { ": \($0)" } ?? "")
            let usage = UsageErrorLine.find(in: outcome.recentLines.joined(separator: "\n")).map {
                "\(preset.name) rejected its command line: \($0) (change the agent preset's command: "
                    + "git config orch.agent.\(preset.name).command, or .orch/agents.json)"
            }
            let verdict = failurePolicy.judge(AgentRunFacts(succeeded: false, usedModel: outcome.usedModel, reason: reason, usageError: usage))
            if case .attemptFailed = verdict { settle(task, succeeded: false, reason: reason) } else { handBack(task, verdict) }
        }
        return succeeded
    }

    /// A failure of the agent's environment, not of the task: the task goes back with its attempt
    /// uncounted, and when no retry here can help the worker goes offline (`offlineReason`).
    private func handBack(_ task: Task, _ verdict: AgentRunVerdict) {
        guard case .environment(let reason, let offline) = verdict else { return }
        keepAttempt(task, note: "agent failed to run")
        var event = RuntimeEvent(.taskReleased, task: task.id, title: task.title, state: WorkerState.idle.rawValue,
                                 message: "\(reason) (the agent's environment, not the task: attempt not counted)")
        do { try store { () throws(StoreError) in try taskStore.apply(.giveBack(task.id)) } } catch {
            event.message = (event.message ?? "") + "; could not give the task back: \(error.description)"
        }
        channel.send(event)
        if offline { offlineReason = "agent \(preset.name) cannot run: \(reason)" }
    }

    /// Commits and completes a finished task, or sets its work aside and gives it back (failing it
    /// for good after `maxAttempts`).
    private func settle(_ task: Task, succeeded: Bool, reason: String?) {
        if succeeded {
            do {
                try commitWork(of: task, message: "task \(task.id.hex.prefix(8)): \(task.title)")
                if settings.mergeQueue, try queueLink.hasUnmergedWork() {
                    // The task completes when the queue merges its work into main.
                    let entry = try queueLink.enqueue(task)
                    channel.send(RuntimeEvent(.taskQueued, task: task.id, title: task.title, state: WorkerState.idle.rawValue,
                                              message: "merge queue entry #\(entry.id)"))
                    return
                }
                try store { () throws(StoreError) in try taskStore.apply(.complete(task.id)) }
                channel.send(RuntimeEvent(.taskDone, task: task.id, title: task.title, state: WorkerState.idle.rawValue))
            } catch {
                keepAttempt(task, note: "failed to commit")
                giveBack(task, reason: "could not record the work: \(error.description)")
            }
        } else {
            keepAttempt(task, note: reason ?? "failed")
            giveBack(task, reason: reason ?? "failed")
        }
    }

    private func giveBack(_ task: Task, reason: String) {
        let final = task.attempts >= settings.maxAttempts
        var event = RuntimeEvent(.taskFailed, task: task.id, title: task.title, state: WorkerState.idle.rawValue,
                                 message: final ? "\(reason) (attempt \(task.attempts) of \(settings.maxAttempts); failed for good)" : "\(reason) (attempt \(task.attempts) of \(settings.maxAttempts); released)")
        do {
            if final {
                try store { () throws(StoreError) in try taskStore.apply(.fail(task.id, reason: String(reason.prefix(FieldRules.maxReasonBytes - 100)))) }
            } else {
                try store { () throws(StoreError) in try taskStore.apply(.release(task.id)) }
                memory.rememberFailure(of: task.id, reason)
            }
        } catch {
            event.message = (event.message ?? "") + "; could not update the task: \(error.description)"
        }
        channel.send(event)
    }

    private func release(_ task: Task, reason: String) {
        do {
            try store { () throws(StoreError) in try taskStore.apply(.release(task.id)) }
            channel.send(RuntimeEvent(.taskReleased, task: task.id, title: task.title, message: reason))
        } catch {
            warn("could not give task \(task.id.hex.prefix(8)) back (\(reason)): \(error.description)")
        }
    }

    private var lastWarning: String?

    /// A warning event, sent once while the same trouble lasts (a loop polling a damaged chain
    /// must not flood the event log).
    private func warn(_ message: String, task: TaskID? = nil) {
        guard message != lastWarning else { return }
        lastWarning = message
        channel.send(RuntimeEvent(.warning, task: task, message: message))
    }

    @discardableResult
    private func commitWork(of task: Task, message: String) throws(RuntimeError) -> String? {
        let full = message + "\n\nOrch-Task: \(task.id.hex)\nOrch-Worker: \(record.name)\n"
        let result = try WorkCommitter(worktree: worktree, denyPatterns: settings.denyPatterns).commit(message: full)
        for path in result.withheld {
            channel.send(RuntimeEvent(.withheld, task: task.id, message: "\(path) matches the commit deny-list; left uncommitted"))
        }
        if let commit = result.commit {
            var event = RuntimeEvent(.committed, task: task.id, title: task.title)
            event.commit = commit
            channel.send(event)
            // A team on a remote: the work survives this machine.
            if let failure = BranchPublisher(repository: repository, root: repositoryRoot).push(record.branch) {
                channel.send(RuntimeEvent(.warning, task: task.id, message: failure))
            }
        }
        return result.commit
    }

    /// Work of an interrupted run is committed (the task continues on this branch later).
    private func saveWork(of task: Task, note: String) {
        do { try commitWork(of: task, message: "wip \(task.id.hex.prefix(8)): \(task.title) (\(note))") } catch {
            warn("could not commit the interrupted work on \(record.branch): \(error.description)", task: task.id)
        }
    }

    /// A failed attempt's changes are kept under `refs/orch-attempts/<task>/<n>`: out of the next
    /// task's way, offered to the next attempt, carried by sync (never the shared stash).
    private func keepAttempt(_ task: Task, note: String) {
        let message = "failed attempt \(task.attempts) at \(task.id.hex.prefix(8)) by \(record.name): \(note.prefix { $0 != "\n" }.prefix(200))"
            + "\n\nOrch-Task: \(task.id.hex)\nOrch-Worker: \(record.name)\n"
        do {
            guard let kept = try AttemptKeeper(repository: repository, worktree: worktree, denyPatterns: settings.denyPatterns)
                .keep(task.id, message: message) else { return }
            var event = RuntimeEvent(.committed, task: task.id, title: task.title, message: "failed attempt's work kept as \(kept.ref)")
            event.commit = kept.commit
            channel.send(event)
        } catch {
            channel.send(RuntimeEvent(.warning, task: task.id, message: "could not keep the failed attempt's work: \(error.description)"))
        }
    }

    /// Whether the run left the worktree and branch as they were: nil when it changed something,
    /// else whether the task allows that (`no-change-ok`, a coordination role).
    private func noChangeVerdict(_ task: Task, role: Role?, headBefore: String?) -> Bool? {
        let git = GitCLI(directory: worktree)
        guard let headBefore, let head = try? git.output(["rev-parse", "HEAD"]), head == headBefore,
              let status = try? git.run(["status", "--porcelain", "-z", "--untracked-files=all"]).stdout else { return nil }
        // Files the deny-list keeps out of commits (a copied .env) are not the agent's changes.
        let committer = WorkCommitter(worktree: worktree, denyPatterns: settings.denyPatterns)
        let changed = status.split(separator: 0).map { String(decoding: $0.dropFirst(3), as: UTF8.self) }.filter { !committer.isDenied($0) }
        guard changed.isEmpty else { return nil }
        // A resumed task may have its work committed already (a wip commit of an interrupted run).
        let earlier = try? git.output(["log", "-1", "--format=%H", "--fixed-strings", "--grep=Orch-Task: \(task.id.hex)", "\(mainBranch)..HEAD"])
        if let earlier, !earlier.isEmpty { return nil }
        return NoChangePolicy.allowsNoChange(labels: task.labels, roleKind: role?.kind)
    }

    /// The last failure's reason and the kept work of earlier attempts, for a retry's prompt.
    private func previousAttempts(of task: Task) -> String? {
        var parts = memory.lastFailure(of: task.id).map { [$0] } ?? []
        do {
            if let note = try AttemptKeeper.promptNote(for: task.id, repository: repository, worktree: worktree) { parts.append(note) }
        } catch {
            channel.send(RuntimeEvent(.warning, task: task.id, message: "could not read earlier attempts: \(error.description)"))
        }
        return parts.isEmpty ? nil : parts.joined(separator: "\n\n")
    }

    /// Uncommitted changes found at start (a crash mid-task) are committed so nothing is lost; with
    /// no task in hand they would otherwise leak into the next task's commit.
    private func saveLeftovers() throws(RuntimeError) {
        let git = GitCLI(directory: worktree)
        let status = try git.output(["status", "--porcelain"])
        guard !status.isEmpty else { return }
        // The task this worker holds, which the interrupted run was working on: its next run
        // finds this work already on the branch (and is not taken for a run that changed nothing).
        let held = try store { () throws(StoreError) in try taskStore.snapshot() }.graph.tasks.values
            .filter { $0.status == .claimed && $0.assignee == record.name }.min(by: TaskGraph.claimOrder)
        let message = "wip: changes left in the worktree of \(record.name) by an interrupted run\n\n"
            + (held.map { "Orch-Task: \($0.id.hex)\n" } ?? "") + "Orch-Worker: \(record.name)\n"
        let result = try WorkCommitter(worktree: worktree, denyPatterns: settings.denyPatterns).commit(message: message)
        if let commit = result.commit {
            var event = RuntimeEvent(.committed, message: "saved uncommitted changes found at start")
            event.commit = commit
            channel.send(event)
        }
    }

    // MARK: Context for the prompt

    /// Built once per worker: indexing the skill pool is the same work for every task.
    private lazy var skillSelector = SkillSelector(skills: catalog.skills, profiles: catalog.profiles)

    private func selectSkills(for task: Task, role: Role?) -> [Skill] {
        let selector = skillSelector
        let text = task.title + "\n" + task.body + "\n" + task.labels.joined(separator: " ")
        return ((try? selector.select(for: text, role: role)) ?? []).map(\.skill)
    }

    private func repositoryContext() -> String {
        let git = GitCLI(directory: worktree)
        let recent = (try? git.output(["log", "--oneline", "-5", mainBranch])) ?? ""
        return """
        Worktree: \(worktree)
        Your branch: \(record.branch), started from \(mainBranch)
        Recent commits on \(mainBranch):
        \(recent)
        """
    }

    private func recordCost(_ task: Task, _ outcome: AgentSession.Outcome, session: String, skills: [String], role: String?,
                            started: Timestamp, succeeded: Bool) {
        let report = outcome.report
        let result: String = switch outcome.interruption {
        case .timedOut: "timed-out"
        case .stopped, .supervisorGone: "stopped"
        case nil: succeeded ? "done" : "failed"
        }
        var entry = LedgerEntry(
            task: task.id.hex, worker: record.name, agent: preset.name, model: record.model, sessionID: report.sessionID ?? session,
            costUSD: report.costUSD ?? 0, costKnown: report.costUSD != nil, inputTokens: report.inputTokens,
            outputTokens: report.outputTokens, cachedTokens: report.cachedTokens, exitStatus: outcome.exitStatus,
            outcome: result, started: started.iso8601, ended: Timestamp.now().iso8601, skills: skills, role: role)
        entry.agentVersion = record.agentVersion
        do { try Ledger(repository: repository).record(entry) } catch {
            channel.send(RuntimeEvent(.warning, task: task.id, message: "could not record the cost: \(error.description)"))
        }
        var event = RuntimeEvent(.cost, task: task.id, message: result)
        event.costUSD = entry.costUSD
        event.inputTokens = entry.inputTokens
        event.outputTokens = entry.outputTokens
        channel.send(event)
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
