import Foundation
import GitKit
import OrchModel
import OrchStore
import ProcessKit

/// What happens to a task after an agent ran on it: its work committed (and queued or completed),
/// or set aside under a ref and the task given back (failed for good after `maxAttempts`), or
/// handed back uncounted when the agent's environment failed; its cost goes to the ledger.
/// One per worker: it remembers the failures that tell a broken environment from a failed attempt.
final class TaskSettlement {
    let scope: WorkerScope
    let preset: AgentPreset
    let settings: RuntimeSettings
    let repositoryRoot: String
    let taskStore: TaskStore
    let queueLink: QueueLink
    /// Tells a failed real attempt from an agent that cannot run here (AgentFailurePolicy).
    private var failurePolicy = AgentFailurePolicy()
    /// Set when the agent's environment is broken: the worker goes offline with this reason.
    private(set) var offlineReason: String?

    init(scope: WorkerScope, preset: AgentPreset, settings: RuntimeSettings, repositoryRoot: String, taskStore: TaskStore, queueLink: QueueLink) {
        self.scope = scope
        self.preset = preset
        self.settings = settings
        self.repositoryRoot = repositoryRoot
        self.taskStore = taskStore
        self.queueLink = queueLink
    }

    private var committer: WorkCommitter { WorkCommitter(worktree: scope.worktree, denyPatterns: settings.denyPatterns) }

    // MARK: After a run

    /// Settles `task` after the agent's run ended with `outcome`. Returns whether the run counts as
    /// a success for the circuit breaker (an interrupted run does: it was cut short, not failed).
    func settle(_ task: Task, after outcome: AgentSession.Outcome, role: Role?, headBefore: String?) -> Bool {
        if outcome.interruption != nil && outcome.interruption != .timedOut {
            saveWork(of: task, note: "stopped")
            if case .stopped(true) = outcome.interruption { release(task, reason: "worker \(scope.record.name) was stopped") }
            return true
        }
        if outcome.succeeded, let allowed = noChangeVerdict(task, role: role, headBefore: headBefore) {
            // No silent no-ops: a run that changed nothing is said, and fails unless the task allows it.
            scope.channel.send(RuntimeEvent(.warning, task: task.id, message: "the agent made no changes" + (allowed ? " (the task allows it)" : "")))
            if !allowed {
                settle(task, succeeded: false, reason: "made no changes")
                return false
            }
        }
        if outcome.succeeded {
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
        return outcome.succeeded
    }

    /// A failure of the agent's environment, not of the task: the task goes back with its attempt
    /// uncounted, and when no retry here can help the worker goes offline (`offlineReason`).
    func handBack(_ task: Task, _ verdict: AgentRunVerdict) {
        guard case .environment(let reason, let offline) = verdict else { return }
        keepAttempt(task, note: "agent failed to run")
        var event = RuntimeEvent(.taskReleased, task: task.id, title: task.title, state: WorkerState.idle.rawValue,
                                 message: "\(reason) (the agent's environment, not the task: attempt not counted)")
        do { try store { () throws(StoreError) in try taskStore.apply(.giveBack(task.id)) } } catch {
            event.message = (event.message ?? "") + "; could not give the task back: \(error.description)"
        }
        scope.channel.send(event)
        if offline { offlineReason = "agent \(preset.name) cannot run: \(reason)" }
    }

    /// Commits and completes a finished task, or sets its work aside and gives it back (failing it
    /// for good after `maxAttempts`).
    private func settle(_ task: Task, succeeded: Bool, reason: String?) {
        guard succeeded else {
            keepAttempt(task, note: reason ?? "failed")
            giveBack(task, reason: reason ?? "failed")
            return
        }
        do {
            try commitWork(of: task, message: "task \(task.id.hex.prefix(8)): \(task.title)")
            if settings.mergeQueue, try queueLink.hasUnmergedWork() {
                // The task completes when the queue merges its work into main.
                let entry = try queueLink.enqueue(task)
                scope.channel.send(RuntimeEvent(.taskQueued, task: task.id, title: task.title, state: WorkerState.idle.rawValue,
                                          message: "merge queue entry #\(entry.id)"))
                return
            }
            try store { () throws(StoreError) in try taskStore.apply(.complete(task.id)) }
            scope.channel.send(RuntimeEvent(.taskDone, task: task.id, title: task.title, state: WorkerState.idle.rawValue))
        } catch {
            keepAttempt(task, note: "failed to commit")
            giveBack(task, reason: "could not record the work: \(error.description)")
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
                scope.memory.rememberFailure(of: task.id, reason)
            }
        } catch {
            event.message = (event.message ?? "") + "; could not update the task: \(error.description)"
        }
        scope.channel.send(event)
    }

    private func release(_ task: Task, reason: String) {
        do {
            try store { () throws(StoreError) in try taskStore.apply(.release(task.id)) }
            scope.channel.send(RuntimeEvent(.taskReleased, task: task.id, title: task.title, message: reason))
        } catch {
            scope.channel.warn("could not give task \(task.id.hex.prefix(8)) back (\(reason)): \(error.description)")
        }
    }

    // MARK: The work on the branch

    @discardableResult
    private func commitWork(of task: Task, message: String) throws(RuntimeError) -> String? {
        let full = message + "\n\nOrch-Task: \(task.id.hex)\nOrch-Worker: \(scope.record.name)\n"
        let result = try committer.commit(message: full)
        for path in result.withheld {
            scope.channel.send(RuntimeEvent(.withheld, task: task.id, message: "\(path) matches the commit deny-list; left uncommitted"))
        }
        if let commit = result.commit {
            var event = RuntimeEvent(.committed, task: task.id, title: task.title)
            event.commit = commit
            scope.channel.send(event)
            // A team on a remote: the work survives this machine.
            if let failure = BranchPublisher(repository: scope.repository, root: repositoryRoot).push(scope.record.branch) {
                scope.channel.send(RuntimeEvent(.warning, task: task.id, message: failure))
            }
        }
        return result.commit
    }

    /// Work of an interrupted run is committed (the task continues on this branch later).
    private func saveWork(of task: Task, note: String) {
        do { try commitWork(of: task, message: "wip \(task.id.hex.prefix(8)): \(task.title) (\(note))") } catch {
            scope.channel.warn("could not commit the interrupted work on \(scope.record.branch): \(error.description)", task: task.id)
        }
    }

    /// A failed attempt's changes are kept under `refs/orch-attempts/<task>/<n>`: out of the next
    /// task's way, offered to the next attempt, carried by sync (never the shared stash).
    private func keepAttempt(_ task: Task, note: String) {
        let message = "failed attempt \(task.attempts) at \(task.id.hex.prefix(8)) by \(scope.record.name): \(note.prefix { $0 != "\n" }.prefix(200))"
            + "\n\nOrch-Task: \(task.id.hex)\nOrch-Worker: \(scope.record.name)\n"
        do {
            guard let kept = try AttemptKeeper(repository: scope.repository, worktree: scope.worktree, denyPatterns: settings.denyPatterns)
                .keep(task.id, message: message) else { return }
            var event = RuntimeEvent(.committed, task: task.id, title: task.title, message: "failed attempt's work kept as \(kept.ref)")
            event.commit = kept.commit
            scope.channel.send(event)
            if !kept.notRemoved.isEmpty {
                // Left in the worktree, they would be committed with the next task.
                scope.channel.send(RuntimeEvent(.warning, task: task.id, message: "kept in \(kept.ref) but could not be removed from the worktree: "
                                              + kept.notRemoved.joined(separator: ", ")))
            }
        } catch {
            scope.channel.send(RuntimeEvent(.warning, task: task.id, message: "could not keep the failed attempt's work: \(error.description)"))
        }
    }

    /// Uncommitted changes found at start (a crash mid-task) are committed so nothing is lost; with
    /// no task in hand they would otherwise leak into the next task's commit.
    func saveLeftovers() throws(RuntimeError) {
        let status = try GitCLI(directory: scope.worktree).output(["status", "--porcelain"])
        guard !status.isEmpty else { return }
        // The task this worker holds, which the interrupted run was working on: its next run
        // finds this work already on the branch (and is not taken for a run that changed nothing).
        let held = try store { () throws(StoreError) in try taskStore.snapshot() }.graph.tasks.values
            .filter { $0.status == .claimed && $0.assignee == scope.record.name }.min(by: TaskGraph.claimOrder)
        let message = "wip: changes left in the worktree of \(scope.record.name) by an interrupted run\n\n"
            + (held.map { "Orch-Task: \($0.id.hex)\n" } ?? "") + "Orch-Worker: \(scope.record.name)\n"
        let result = try committer.commit(message: message)
        if let commit = result.commit {
            var event = RuntimeEvent(.committed, message: "saved uncommitted changes found at start")
            event.commit = commit
            scope.channel.send(event)
        }
    }

    // MARK: Did the run change anything

    /// The worktree's head before a run, for `noChangeVerdict`; nil (said) when it cannot be read.
    func headBeforeRun(of task: Task) -> String? {
        do { return try GitCLI(directory: scope.worktree).output(["rev-parse", "HEAD"]) } catch {
            scope.channel.warn("cannot read the head of \(scope.record.branch) before the run: \(error.description)", task: task.id)
            return nil
        }
    }

    /// Whether the run left the worktree and branch as they were: nil when it changed something,
    /// else whether the task allows that (`no-change-ok`, a coordination role). When git cannot
    /// tell, that is said and the run counts as a change: a task is never failed on a guess.
    private func noChangeVerdict(_ task: Task, role: Role?, headBefore: String?) -> Bool? {
        guard let headBefore else { return nil }
        let git = GitCLI(directory: scope.worktree)
        do {
            guard try git.output(["rev-parse", "HEAD"]) == headBefore else { return nil }
            let status = try git.run(["status", "--porcelain", "-z", "--untracked-files=all"]).stdout
            guard Self.agentChanges(inPorcelainZ: status, committer: committer).isEmpty else { return nil }
            // A resumed task may have its work committed already (a wip commit of an interrupted run).
            let earlier = try git.output(["log", "-1", "--format=%H", "--fixed-strings", "--grep=Orch-Task: \(task.id.hex)", "\(scope.mainBranch)..HEAD"])
            guard earlier.isEmpty else { return nil }
        } catch {
            scope.channel.warn("cannot tell whether the agent changed anything: \(error.description)", task: task.id)
            return nil
        }
        return NoChangePolicy.allowsNoChange(labels: task.labels, roleKind: role?.kind)
    }

    /// The paths `git status --porcelain -z` lists, less those the deny-list keeps out of commits
    /// (a copied .env is not the agent's change).
    static func agentChanges(inPorcelainZ status: [UInt8], committer: WorkCommitter) -> [String] {
        status.split(separator: 0).map { String(decoding: $0.dropFirst(3), as: UTF8.self) }.filter { !committer.isDenied($0) }
    }

    // MARK: The ledger

    func recordCost(_ task: Task, _ outcome: AgentSession.Outcome, session: String, skills: [String], role: String?, started: Timestamp) {
        let report = outcome.report
        let result: String = switch outcome.interruption {
        case .timedOut: "timed-out"
        case .stopped, .supervisorGone: "stopped"
        case nil: outcome.succeeded ? "done" : "failed"
        }
        var entry = LedgerEntry(
            task: task.id.hex, worker: scope.record.name, agent: preset.name, model: scope.record.model, sessionID: report.sessionID ?? session,
            costUSD: report.costUSD ?? 0, costKnown: report.costUSD != nil, inputTokens: report.inputTokens,
            outputTokens: report.outputTokens, cachedTokens: report.cachedTokens, exitStatus: outcome.exitStatus,
            outcome: result, started: started.iso8601, ended: Timestamp.now().iso8601, skills: skills, role: role)
        entry.agentVersion = scope.record.agentVersion
        do { try Ledger(repository: scope.repository).record(entry) } catch {
            scope.channel.send(RuntimeEvent(.warning, task: task.id, message: "could not record the cost: \(error.description)"))
        }
        var event = RuntimeEvent(.cost, task: task.id, message: result)
        event.costUSD = entry.costUSD
        event.inputTokens = entry.inputTokens
        event.outputTokens = entry.outputTokens
        scope.channel.send(event)
    }
}
