#if canImport(Glibc)
import Glibc
#endif
import Foundation
public import GitKit
import OrchModel
import OrchStore

/// `git orch handoff`: five steps, each reported as a `handoff-step` event (through the
/// supervisor when one runs, so the dashboard sees them, else straight to the event log), with
/// progress kept on disk so a failed step stops the sequence and `--continue` resumes there.
///
/// In a running team, step 2 commits the worktree from this process while the old session may
/// still be running: it is a snapshot, and anything the agent writes after it is committed by the
/// worker itself when step 4 stops it (a stopped worker saves its work as a `wip` commit and
/// keeps its claim). Steps 4 and 5 go through the control socket; with no supervisor they are
/// skipped, since the next `git orch start` resumes the worker's task with this document.
public final class HandoffWorkflow {
    public struct Request: Sendable {
        public var worker: String
        /// `--to`: the worker that takes the task over; nil for the same worker.
        public var to: String?
        public var restart: Bool
        public var reason: String

        public init(worker: String, to: String? = nil, restart: Bool = true, reason: String = "manual") {
            self.worker = worker
            self.to = to
            self.restart = restart
            self.reason = reason
        }
    }

    let repository: Repository
    let repositoryRoot: String
    let paths: RuntimePaths
    let settings: RuntimeSettings
    let report: (HandoffProgress, HandoffStep) -> Void
    /// How long step 4 waits for the old session to save its work and exit.
    public var stopTimeout: Double = 90

    /// `report` is called whenever a step changes state (for progress lines).
    public init(repository: Repository, settings: RuntimeSettings, report: @escaping (HandoffProgress, HandoffStep) -> Void) throws(RuntimeError) {
        guard let root = repository.workingDirectory else { throw .invalidInput("handoff needs a repository with a working tree, not a bare one") }
        self.repository = repository
        repositoryRoot = root
        paths = RuntimePaths(repository: repository)
        self.settings = settings
        self.report = report
    }

    /// Starts a new handoff of `request.worker` and runs it to the end or the first failure.
    public func start(_ request: Request) throws(RuntimeError) -> HandoffProgress {
        if let pending = try HandoffProgress.load(paths, worker: request.worker) {
            let at = pending.failed.map { "failed at step \($0.step.rawValue) (\($0.step.name))" } ?? "did not finish"
            throw .invalidInput("a handoff of \(request.worker) \(at); run 'git orch handoff \(request.worker) --continue', or '--abandon' to drop it")
        }
        let registry = WorkerRegistry(repository: repository)
        guard try (store { () throws(StoreError) in try registry.record(request.worker) }) != nil else { throw .invalidInput("no worker named '\(request.worker)' in refs/orch/workers") }
        if let to = request.to {
            guard to != request.worker else { throw .invalidInput("--to: \(to) is the worker being handed off; name another worker") }
            guard try (store { () throws(StoreError) in try registry.record(to) }) != nil else { throw .invalidInput("--to: no worker named '\(to)' in refs/orch/workers") }
        }
        let now = Timestamp.now()
        let recipient = request.to ?? request.worker
        var progress = HandoffProgress(id: HandoffRecord.makeID(worker: recipient, at: now), worker: request.worker,
                                       recipient: recipient, reason: request.reason, restart: request.restart, started: now.iso8601)
        try progress.save(paths)
        return try run(&progress)
    }

    /// `--continue`: resumes the pending handoff of `worker` at its failed (or unfinished) step.
    public func resume(_ worker: String) throws(RuntimeError) -> HandoffProgress {
        guard var progress = try HandoffProgress.load(paths, worker: worker) else {
            throw .invalidInput("no unfinished handoff of \(worker) to continue")
        }
        return try run(&progress)
    }

    /// `--abandon`: forgets a pending handoff (what its finished steps did stays done).
    public func abandon(_ worker: String) throws(RuntimeError) -> HandoffProgress {
        guard let progress = try HandoffProgress.load(paths, worker: worker) else {
            throw .invalidInput("no unfinished handoff of \(worker) to abandon")
        }
        HandoffProgress.remove(paths, worker: worker)
        return progress
    }

    private func run(_ progress: inout HandoffProgress) throws(RuntimeError) -> HandoffProgress {
        while let step = progress.next {
            do {
                try set(&progress, step, .running, nil)
                let (state, message) = try perform(step, &progress)
                try set(&progress, step, state, message)
            } catch {
                var why = error.description
                do { try set(&progress, step, .failed, error.description) } catch { why += "; \(error.description)" }
                throw .invalidInput("handoff of \(progress.worker) stopped at step \(step.rawValue) (\(step.name)): \(why); "
                    + "nothing is lost (the earlier steps stand); fix it and run 'git orch handoff \(progress.worker) --continue'")
            }
        }
        HandoffProgress.remove(paths, worker: progress.worker)
        return progress
    }

    /// Records a step's state: saved, announced, reported. The progress file is what makes
    /// --continue possible, so a save that fails is thrown (after the report); the event is only
    /// a report.
    private func set(_ progress: inout HandoffProgress, _ step: HandoffStep, _ state: HandoffProgress.State, _ message: String?) throws(RuntimeError) {
        progress.steps[step.rawValue - 1] = .init(step: step, state: state, message: message)
        var unsaved: RuntimeError?
        do { try progress.save(paths) } catch { unsaved = error }
        var event = RuntimeEvent(.handoffStep, worker: progress.worker, title: step.name, state: state.rawValue, message: message)
        event.step = step.rawValue
        event.task = progress.task
        announce(event)
        report(progress, step)
        if let unsaved { throw unsaved }
    }

    private func announce(_ event: RuntimeEvent) {
        // Through the supervisor when one answers (the dashboard sees it); else, or when it
        // refuses, straight into the event log, so the event is never lost.
        if (try? ControlSocket.send(ControlRequest(.announce, text: event.jsonLine()), to: paths, timeout: 5))?.ok == true { return }
        EventLog(path: paths.events).append(event)
    }

    // MARK: The steps

    private func perform(_ step: HandoffStep, _ progress: inout HandoffProgress) throws(RuntimeError) -> (HandoffProgress.State, String) {
        switch step {
        case .document: return try writeDocument(&progress)
        case .commit: return try commitAndStore(&progress)
        case .push: return try push(progress)
        case .stop: return try stopSession(progress)
        case .start: return try startSession(progress)
        }
    }

    private func record(_ name: String) throws(RuntimeError) -> WorkerRecord {
        guard let record = try (store { () throws(StoreError) in try WorkerRegistry(repository: repository).record(name) }) else {
            throw .invalidInput("no worker named '\(name)' in refs/orch/workers")
        }
        return record
    }

    private func writeDocument(_ progress: inout HandoffProgress) throws(RuntimeError) -> (HandoffProgress.State, String) {
        let worker = try record(progress.worker)
        let main = try Worktrees.mainBranch(of: repository)
        let time = Timestamp(iso8601: progress.started) ?? .now()
        let built = try HandoffDocument(repository: repository, repositoryRoot: repositoryRoot).build(.init(
            worker: worker, recipient: progress.recipient, reason: progress.reason, mainBranch: main, time: time))
        progress.document = built.text
        progress.task = built.task?.id.hex
        progress.taskTitle = built.task?.title
        let lines = built.text.split(separator: "\n", omittingEmptySubsequences: false).count
        return (.done, "\(lines) lines" + (built.task.map { "; task \($0.id.hex.prefix(8)) \($0.title)" } ?? "; no task in hand"))
    }

    private func commitAndStore(_ progress: inout HandoffProgress) throws(RuntimeError) -> (HandoffProgress.State, String) {
        let worker = try record(progress.worker)
        let worktree = paths.worktree(worker.name)
        var said = "nothing to commit"
        if FileManager.default.fileExists(atPath: worktree + "/.git") {
            var message = "handoff \(progress.task.map { "wip \($0.prefix(8))" } ?? "wip")" + (progress.taskTitle.map { ": \($0)" } ?? "")
            message += "\n\n" + (progress.task.map { "Orch-Task: \($0)\n" } ?? "") + "Orch-Worker: \(worker.name)\nOrch-Handoff: \(progress.id)\n"
            let result = try WorkCommitter(worktree: worktree, denyPatterns: settings.denyPatterns).commit(message: message)
            if let commit = result.commit { said = "committed \(commit.prefix(12)) on \(worker.branch)" }
            if !result.withheld.isEmpty { said += "; left uncommitted (deny-list): \(result.withheld.joined(separator: ", "))" }
        }
        progress.commit = try repository.branchTip(worker.branch)
        let handoff = HandoffRecord(id: progress.id, worker: progress.recipient, from: progress.worker, task: progress.task,
                                    taskTitle: progress.taskTitle, branch: worker.branch, commit: progress.commit,
                                    created: progress.started, reason: progress.reason)
        // Stored once: a --continue after a failure between the two writes finds it there.
        let handoffs = HandoffStore(repository: repository)
        let stored = try store { () throws(StoreError) in try handoffs.list(worker: progress.recipient) }
        if !stored.contains(where: { $0.id == progress.id }) {
            try store { () throws(StoreError) in try handoffs.save(handoff, document: progress.document ?? "") }
        }
        return (.done, said + "; stored \(progress.id) in \(StateRefs.handoffs)")
    }

    private func push(_ progress: HandoffProgress) throws(RuntimeError) -> (HandoffProgress.State, String) {
        let publisher = StatePublisher(repository: repository, repositoryRoot: repositoryRoot)
        guard let remote = try publisher.remoteName() else {
            return (.skipped, "no remote configured (git config orch.remote NAME, or add an origin); the handoff stays in this clone")
        }
        let worker = try record(progress.worker)
        return (.done, try publisher.publish(branches: [worker.branch], to: remote))
    }

    /// The running team's view of `name`, or nil when no supervisor runs. A supervisor that runs
    /// but does not answer is an error: taking it for none would skip stopping the old session.
    private func liveWorker(_ name: String) throws(RuntimeError) -> TeamStatus.Worker?? {
        let response: ControlResponse
        do { response = try ControlSocket.send(ControlRequest(.status), to: paths, timeout: 10) } catch .notRunning { return nil } catch { throw error }
        guard let status = response.status else { throw .control(response.error ?? "the supervisor's answer to status holds no status") }
        return .some(status.workers.first { $0.name == name })
    }

    private func stopSession(_ progress: HandoffProgress) throws(RuntimeError) -> (HandoffProgress.State, String) {
        var said: String
        var state = HandoffProgress.State.done
        switch try liveWorker(progress.worker) {
        case nil:
            said = "no supervisor running, so no session to stop"
            state = .skipped
        case .some(nil):
            said = "\(progress.worker) is not in the running team"
            state = .skipped
        case .some(let worker?):
            if worker.pid == nil {
                said = "\(progress.worker) was not running"
                state = .skipped
            } else {
                let response = try ControlSocket.send(ControlRequest(.handoffStop, worker: progress.worker), to: paths)
                guard response.ok else { throw .control(response.error ?? "the supervisor refused to stop \(progress.worker)") }
                let deadline = Date().addingTimeInterval(stopTimeout)
                while Date() < deadline, case .some(let now?) = try liveWorker(progress.worker), now.pid != nil { usleep(100_000) }
                if case .some(let now?) = try liveWorker(progress.worker), now.pid != nil {
                    throw .control("\(progress.worker) did not stop within \(Int(stopTimeout)) s")
                }
                said = "stopped \(progress.worker)'s session (its work saved, its task kept)"
            }
        }
        // The session is never resumed after a handoff: the point is a fresh context that starts
        // from the document (a crash restart, with no handoff, still resumes it).
        unlink(paths.run + "/\(progress.worker).session")
        if progress.recipient != progress.worker, let task = progress.task.flatMap({ TaskID($0) }) {
            try reassign(task, from: progress.worker, to: progress.recipient)
            said += "; task \(task.hex.prefix(8)) moved to \(progress.recipient)"
        }
        return (state, said)
    }

    /// `--to`: the task goes from one worker to the other (release, then a claim for the other).
    private func reassign(_ task: TaskID, from: String, to: String) throws(RuntimeError) {
        let taskStore = TaskStore(repository: repository)
        let current = try store { () throws(StoreError) in try taskStore.snapshot() }.graph[task]
        if current?.status == .claimed && current?.assignee == to { return }
        if current?.status == .claimed && current?.assignee == from {
            try store { () throws(StoreError) in _ = try taskStore.apply(.release(task)) }
        }
        do {
            try store { () throws(StoreError) in _ = try taskStore.apply(.claim(task, worker: to, role: nil)) }
        } catch {
            // Between the release and the claim, the recipient may have claimed it by itself.
            let now = try store { () throws(StoreError) in try taskStore.snapshot() }.graph[task]
            guard now?.status == .claimed && now?.assignee == to else { throw error }
        }
    }

    private func startSession(_ progress: HandoffProgress) throws(RuntimeError) -> (HandoffProgress.State, String) {
        let target = progress.recipient
        guard case .some(let worker) = try liveWorker(target) else {
            return (.skipped, "no supervisor running; the next 'git orch start' resumes \(target) from this document")
        }
        var started: [String] = []
        if progress.restart || progress.recipient != progress.worker {
            // The recipient of --to is usually running and picks its new task up by itself.
            if worker?.pid == nil { started.append(target) }
            if progress.restart && progress.recipient != progress.worker { started.append(progress.worker) }
        }
        if !progress.restart && progress.recipient == progress.worker {
            return (.skipped, "--no-restart: \(target) stays stopped; 'git orch restart \(target)' resumes it from this document")
        }
        for name in started {
            let response = try ControlSocket.send(ControlRequest(.restart, worker: name), to: paths)
            guard response.ok else { throw .control(response.error ?? "the supervisor refused to restart \(name)") }
        }
        if started.isEmpty { return (.done, "\(target) is running and continues from this document") }
        return (.done, "started " + started.joined(separator: " and ") + "; \(target)'s next prompt includes this document")
    }
}
