import Foundation
public import GitKit
public import OrchModel
public import OrchStore

/// The merge queue: keeps the protected branch (usually main) moving only to commits whose exact
/// tree passed the project's tests.
///
/// Each step (a round, planned by `QueuePlanner`) takes groups of queued entries (batches sized
/// from the recent failure rate, or parts of a red batch being bisected), merges each in memory
/// onto the protected branch or onto the candidate before it (speculation: tested in parallel
/// lanes; libgit2, no checkout; a conflicting entry is rejected with its paths), checks each out
/// in a scratch worktree, runs the test command there (not for a tree already tested), records
/// the outcome as a note on the candidate commit, and moves the protected branch by
/// compare-and-swap only when green. If the branch moved meanwhile the swap fails and the group is
/// tested again on the new head: nothing is ever merged on a stale test.
///
/// One instance per thread (it uses one libgit2 repository handle).
public final class MergeQueue {
    public let repository: Repository
    public let store: QueueStore
    public var configuration: MergeQueueConfiguration
    let tasks: TaskStore
    var planner: QueuePlanner
    /// Trees already tested in this process, green or red: after the first part of a red batch
    /// merges, the rest on the new head is the very same tree, so it is known red without a run.
    var knownTrees: [OID: QueueTestRecord] = [:]
    /// CPU seconds a test run used per second of its wall time, averaged over the rounds so far
    /// (nil before the first): how many lanes the cores allow.
    var coreShare: Double?
    private var runLock: RunLock?
    /// Runs before each step of `runUntilEmpty` (a team on a remote: `RemoteQueueLayer` fetches
    /// the pushed branches and follows the remote's main).
    public var beforeStep: (() throws(MergeQueueError) -> Void)?
    /// Publishes a green candidate elsewhere before main moves here (a team on a remote: notes,
    /// then a push with a lease on the tested base); false means main moved there, so the
    /// candidate is tested again, never merged stale.
    public var publishMain: ((_ candidate: OID, _ base: OID) throws(MergeQueueError) -> Bool)?

    public init(repository: Repository, configuration: MergeQueueConfiguration? = nil, clock: @escaping () -> Timestamp = SystemClock.now) {
        self.repository = repository
        let configuration = configuration ?? MergeQueueConfiguration.load(from: repository)
        self.configuration = configuration
        store = QueueStore(repository: repository, clock: clock)
        tasks = TaskStore(repository: repository, clock: clock)
        planner = QueuePlanner(batchSize: configuration.batchSize)
    }

    // MARK: Entries

    /// Puts `branch` (its current tip) in the queue; re-enqueueing a waiting branch updates its tip.
    @discardableResult
    public func enqueue(branch: String, task: TaskID?, worker: String?) throws(MergeQueueError) -> QueueEntry {
        try Self.validate(branch: branch)
        guard let tip = try gitCall({ () throws(GitError) in try repository.referenceTarget("refs/heads/" + branch) }) else {
            throw .unknownBranch(branch)
        }
        return try storeCall { () throws(StoreError) in try store.add(branch: branch, tip: tip, task: task, worker: worker) }
    }

    /// Takes entry `id` out of the queue.
    @discardableResult
    public func remove(_ id: Int) throws(MergeQueueError) -> QueueEntry {
        guard let removed = try storeCall({ () throws(StoreError) in try store.remove(id) }) else { throw .unknownEntry(id) }
        return removed
    }

    public func entries() throws(MergeQueueError) -> [QueueEntry] {
        try storeCall { () throws(StoreError) in try store.entries() }
    }

    /// Refuses a branch name outside `BranchName`'s conservative set.
    public static func validate(branch: String) throws(MergeQueueError) {
        guard BranchName.isAcceptable(branch) else { throw .invalidBranch(branch) }
    }

    // MARK: Status

    public func status() throws(MergeQueueError) -> QueueStatus {
        let head = try gitCall { () throws(GitError) in try repository.referenceTarget(configuration.mainRef) }
        let record = try head.map { (head: OID) throws(MergeQueueError) in
            try storeCall { () throws(StoreError) in try store.testRecord(on: head) }
        } ?? nil
        let entries = try entries()
        return QueueStatus(
            mainBranch: configuration.mainBranch, mainHead: head?.hex, mainTest: record,
            halted: head.flatMap { haltReason(head: $0, record: record) }, held: heldReason(mainHead: head), testCommand: configuration.testCommand,
            active: entries.filter { $0.state.isActive },
            merged: entries.filter { $0.state == .merged }.count, rejected: entries.filter { $0.state == .rejected }.count)
    }

    /// The emergency stop: a failed test note on the protected branch's head halts merging.
    private func haltReason(head: OID, record: QueueTestRecord?) -> String? {
        guard let record, !record.passed else { return nil }
        return "\(configuration.mainBranch) is red: '\(record.command)' exited \(record.exitStatus) on \(head.hex.prefix(12)) "
            + "(git notes --ref=orch/tests show \(head.hex.prefix(12))); merging is halted until \(configuration.mainBranch) is fixed"
    }

    // MARK: Running

    /// Processes the queue until nothing is queued, or merging halts.
    public func runUntilEmpty(maxSteps: Int = 10_000, progress: (QueueStep) -> Void = { _ in }) throws(MergeQueueError) -> QueueRunReport {
        try holdRunLock()
        var report = QueueRunReport()
        for _ in 0..<maxSteps {
            try beforeStep?()
            let step = try processNext()
            progress(step)
            report.steps.append(step)
            report.merged += step.merged
            report.rejected += step.rejected
            report.testRuns += step.testRuns
            switch step.kind {
            case .idle: return report
            case .halted(let reason):
                report.halted = reason
                return report
            case .held(let reason):
                report.held = reason
                return report
            case .mainMoved: report.retestsAfterMainMoved += 1
            default: break
            }
        }
        return report
    }

    /// One step: the tasks of work merged earlier but not yet done are completed
    /// (`MergeQueueTasks.swift`), then one round of candidates (`MergeQueueRound.swift`): built,
    /// tested at once, and main moved along the green ones in order.
    public func processNext() throws(MergeQueueError) -> QueueStep {
        try holdRunLock()
        guard let command = configuration.testCommand else { throw .noTestCommand }
        guard let base = try gitCall({ () throws(GitError) in try repository.referenceTarget(configuration.mainRef) }) else {
            throw .unknownBranch(configuration.mainBranch)
        }
        var settling = QueueStep(kind: .idle)
        try settleMergedWork(head: base, entries: try entries(), step: &settling)
        var step = try nextStep(base: base, command: command)
        step.settled = settling.settled + step.settled
        step.problems = settling.problems + step.problems
        return step
    }

    private func nextStep(base: OID, command: String) throws(MergeQueueError) -> QueueStep {
        if let reason = haltReason(head: base, record: try storeCall { () throws(StoreError) in try store.testRecord(on: base) }) {
            return QueueStep(kind: .halted(reason))
        }
        if let step = try resumeHeld(base: base) { return step }
        return try runRound(base: base, command: command, entries: try entries())
    }

    func holdRunLock() throws(MergeQueueError) {
        if runLock == nil { runLock = try RunLock.acquire(in: ScratchWorktree.root(repository)) }
    }
}
