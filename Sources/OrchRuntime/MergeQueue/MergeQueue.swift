import Foundation
public import GitKit
public import OrchModel
public import OrchStore

/// The merge queue: keeps the protected branch (usually main) moving only to commits whose exact
/// tree passed the project's tests.
///
/// Each step takes a group of queued entries (a batch, or half of a failed batch), merges them in
/// memory onto the protected branch (libgit2, no checkout; a conflicting entry is rejected with
/// its paths), checks the result out in a scratch worktree, runs the test command there, records
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
    private var planner: QueuePlanner
    /// Trees already tested red in this process: after the first half of a red batch merges, the
    /// second half on the new head is the very same tree, so it is known red without a run.
    var redTrees: [OID: QueueTestRecord] = [:]
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

    /// Branch names reach git only as arguments, never a shell, but the queue still accepts only a
    /// conservative set of characters so that names print and paste safely everywhere.
    public static func validate(branch: String) throws(MergeQueueError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/")
        guard !branch.isEmpty, !branch.hasPrefix("-"), branch.allSatisfy({ allowed.contains($0) }),
              Repository.isValidReferenceName("refs/heads/" + branch)
        else { throw .invalidBranch(branch) }
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
            halted: head.flatMap { haltReason(head: $0, record: record) }, testCommand: configuration.testCommand,
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
            case .mainMoved: report.retestsAfterMainMoved += 1
            default: break
            }
        }
        return report
    }

    /// One step: build the next candidate (or, with `parallelism` above 1, a chain of candidates,
    /// each on top of the one before), test them, and move main along the green ones in order.
    public func processNext() throws(MergeQueueError) -> QueueStep {
        try holdRunLock()
        guard let command = configuration.testCommand else { throw .noTestCommand }
        guard let base = try gitCall({ () throws(GitError) in try repository.referenceTarget(configuration.mainRef) }) else {
            throw .unknownBranch(configuration.mainBranch)
        }
        if let reason = haltReason(head: base, record: try storeCall { () throws(StoreError) in try store.testRecord(on: base) }) {
            return QueueStep(kind: .halted(reason))
        }
        // Entries left `testing` by a crashed run count as queued: this process holds the run lock.
        let entries = try entries()
        planner.batchSize = max(1, configuration.batchSize)  // the configuration may change between steps
        var queued = entries.filter { $0.state.isActive }.map(\.id)
        var groups: [[Int]] = []
        for _ in 0..<max(1, min(configuration.parallelism, ProcessInfo.processInfo.activeProcessorCount)) {
            let group = planner.nextGroup(queued: queued)
            if group.isEmpty { break }
            groups.append(group)
            queued.removeAll { group.contains($0) }
        }
        if groups.isEmpty { return QueueStep(kind: .idle) }

        // Speculation: group k is built on the candidate of group k-1, as if it were green.
        var step = QueueStep(kind: .noCandidate)
        var candidates: [Candidate] = []
        var onto = base
        building: for (index, group) in groups.enumerated() {
            let members = group.compactMap { id in entries.first { $0.id == id } }
            switch try buildCandidate(members, onto: onto, speculative: index > 0, step: &step) {
            case .built(let candidate):
                candidates.append(candidate)
                onto = candidate.commit
            case .empty: continue
            case .stopped:
                // A conflict with a speculative base may vanish if that base fails: build it for real later.
                for later in groups[index...].reversed() { planner.retry(later) }
                break building
            }
        }
        guard !candidates.isEmpty else { return step }
        step.tested = candidates.flatMap { $0.members.map(\.id) }
        let (records, runs) = try test(candidates, command: command)
        step.testRuns = runs

        for (index, candidate) in candidates.enumerated() {
            let record = records[index]
            let members = candidate.members
            let later = Array(candidates[(index + 1)...])
            step.candidate = candidate.commit
            guard record.passed else {
                redTrees[candidate.tree] = record
                try requeue(later, reason: "it was tested on top of entries that failed; it is tested again")
                try fail(candidate, record: record, step: &step)
                return step
            }
            var moved = try publishMain?(candidate.commit, candidate.base) ?? true
            if moved {
                moved = try gitCall { () throws(GitError) in
                    let swapped = try repository.compareAndSwapReference(
                        configuration.mainRef, to: candidate.commit, expecting: candidate.base, message: "git-orch queue: merge #\(list(members))")
                    if swapped { return true }
                    return try repository.referenceTarget(configuration.mainRef) == candidate.commit
                }
            }
            guard moved else {
                step.kind = .mainMoved
                try requeue([candidate] + later, reason: "\(configuration.mainBranch) moved while this was tested; it is tested again on the new head")
                return step
            }
            step.kind = .merged
            let merged = try mark(members, "merged #\(list(members)) as \(candidate.commit.hex.prefix(12))") {
                $0.state = .merged
                $0.mergedAs = candidate.commit.hex
                $0.reason = nil
            }
            step.merged += merged
            for entry in merged { if let task = entry.task { _ = try? tasks.apply(.complete(task)) } }
        }
        return step
    }

    /// A red candidate: reject its culprit, or split it for bisection.
    private func fail(_ candidate: Candidate, record: QueueTestRecord, step: inout QueueStep) throws(MergeQueueError) {
        let members = candidate.members
        let short = candidate.commit.hex.prefix(12)
        step.kind = .failed
        switch planner.failed(members.map(\.id)) {
        case .culprit(let id):
            let reason = "tests failed: '\(record.command)' exited \(record.exitStatus)"
                + (record.retries > 0 ? " (\(record.attempts.count) attempts)" : "")
                + " on \(short) (git notes --ref=orch/tests show \(short))"
                + Self.lastLines(record.logTail)
            step.rejected += try reject(members.filter { $0.id == id }, reason: reason, conflicts: [])
        case .split(let first, let second):
            let halves = [first, second].map { $0.map(String.init).joined(separator: ",") }
            try mark(members, "bisect #\(list(members)) into #\(halves[0]) and #\(halves[1])") {
                $0.state = .queued
                $0.reason = "its batch failed the tests; bisecting"
            }
        }
    }

    /// Puts the candidates' groups back at the front of the plan, in order, their entries queued.
    private func requeue(_ candidates: [Candidate], reason: String) throws(MergeQueueError) {
        guard !candidates.isEmpty else { return }
        for candidate in candidates.reversed() { planner.retry(candidate.members.map(\.id)) }
        let members = candidates.flatMap(\.members)
        try mark(members, "re-test #\(list(members))") {
            $0.state = .queued
            $0.reason = reason
        }
    }

    private func holdRunLock() throws(MergeQueueError) {
        if runLock == nil { runLock = try RunLock.acquire(in: ScratchWorktree.root(repository)) }
    }
}
