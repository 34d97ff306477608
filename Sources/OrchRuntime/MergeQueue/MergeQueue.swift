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
    private let tasks: TaskStore
    private var planner: QueuePlanner
    /// Trees already tested red in this process: after the first half of a red batch merges, the
    /// second half on the new head is the very same tree, so it is known red without a run.
    private var redTrees: [OID: QueueTestRecord] = [:]
    private var runLock: RunLock?

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
            let step = try processNext()
            progress(step)
            report.steps.append(step)
            report.merged += step.merged
            report.rejected += step.rejected
            if step.ranTests { report.testRuns += 1 }
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

    /// One step: build, test and (when green) merge the next candidate.
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
        let group = planner.nextGroup(queued: entries.filter { $0.state.isActive }.map(\.id))
        if group.isEmpty { return QueueStep(kind: .idle) }
        var step = QueueStep(kind: .noCandidate)
        let built = try buildCandidate(group.compactMap { id in entries.first { $0.id == id } }, onto: base, step: &step)
        guard let (candidate, tree, members) = built else { return step }
        step.candidate = candidate
        step.tested = members.map(\.id)

        let record: QueueTestRecord
        if let known = redTrees[tree] {
            // The same tree failed already: the note says so on this commit too, without a new run.
            record = known
            try storeCall { () throws(StoreError) in try store.recordTest(known, on: candidate) }
        } else {
            try mark(members, "test #\(list(members)) on \(candidate.hex.prefix(12))") { $0.state = .testing; $0.attempts += 1 }
            record = try test(candidate, tree: tree, base: base, members: members, command: command)
            step.ranTests = true
        }
        if record.passed {
            let moved = try gitCall { () throws(GitError) in
                try repository.compareAndSwapReference(
                    configuration.mainRef, to: candidate, expecting: base, message: "git-orch queue: merge #\(list(members))")
            }
            guard moved else {
                step.kind = .mainMoved
                planner.retry(members.map(\.id))
                try mark(members, "re-test #\(list(members)): \(configuration.mainBranch) moved") {
                    $0.state = .queued
                    $0.reason = "\(self.configuration.mainBranch) moved while this was tested; it is tested again on the new head"
                }
                return step
            }
            step.kind = .merged
            step.merged = try mark(members, "merged #\(list(members)) as \(candidate.hex.prefix(12))") {
                $0.state = .merged
                $0.mergedAs = candidate.hex
                $0.reason = nil
            }
            for entry in step.merged { if let task = entry.task { _ = try? tasks.apply(.complete(task)) } }
            return step
        }
        redTrees[tree] = record
        step.kind = .failed
        switch planner.failed(members.map(\.id)) {
        case .culprit(let id):
            let reason = "tests failed: '\(record.command)' exited \(record.exitStatus)"
                + (record.retries > 0 ? " (\(record.attempts.count) attempts)" : "")
                + " on \(candidate.hex.prefix(12)) (git notes --ref=orch/tests show \(candidate.hex.prefix(12)))"
                + Self.lastLines(record.logTail)
            step.rejected = try reject(members.filter { $0.id == id }, reason: reason, conflicts: [])
        case .split(let first, let second):
            try mark(members, "bisect #\(list(members)) into #\(first.map(String.init).joined(separator: ",")) and #\(second.map(String.init).joined(separator: ","))") {
                $0.state = .queued
                $0.reason = "its batch failed the tests; bisecting"
            }
        }
        return step
    }

    /// Merges `group` in memory onto `base`, one entry after the other, rejecting an entry that
    /// conflicts. Returns the candidate (its parents: `base`, then each merged tip), its tree and
    /// the entries it holds; nil when none is left.
    private func buildCandidate(_ group: [QueueEntry], onto base: OID, step: inout QueueStep) throws(MergeQueueError) -> (OID, OID, [QueueEntry])? {
        var current = base
        var tree: OID?
        var members: [QueueEntry] = []
        var tips: [OID] = []
        for entry in group {
            guard let tip = OID(hex: entry.tip), repository.contains(tip) else {
                step.rejected += try reject([entry], reason: "its commit \(entry.tip.prefix(12)) is missing from the repository", conflicts: [])
                continue
            }
            if try gitCall({ () throws(GitError) in try repository.isAncestor(tip, of: base) }) {
                let merged = try mark([entry], "#\(entry.id) is already in \(configuration.mainBranch)") {
                    $0.state = .merged
                    $0.mergedAs = base.hex
                    $0.reason = "already in \(self.configuration.mainBranch)"
                }
                step.merged += merged
                if let task = entry.task { _ = try? tasks.apply(.complete(task)) }
                continue
            }
            switch try gitCall({ () throws(GitError) in try repository.merge(ours: current, theirs: tip) }) {
            case .conflicts(let paths):
                let with = members.isEmpty ? configuration.mainBranch : "\(configuration.mainBranch) with #\(list(members)) merged"
                step.rejected += try reject(
                    [entry], reason: "conflicts with \(with) in \(paths.joined(separator: ", ")); rebase on \(configuration.mainBranch) and enqueue again",
                    conflicts: paths)
            case .clean(let merged):
                current = try gitCall { () throws(GitError) in
                    try repository.createCommit(tree: merged, parents: [current, tip], message: "queue: partial candidate")
                }
                tree = merged
                members.append(entry)
                tips.append(tip)
            }
        }
        guard let tree, !members.isEmpty else { return nil }
        let branches = members.map(\.branch)
        var message = members.count == 1
            ? "Merge branch '\(branches[0])' into \(configuration.mainBranch)\n\n"
            : "Merge \(members.count) branches into \(configuration.mainBranch)\n\n" + branches.map { "- \($0)\n" }.joined() + "\n"
        for entry in members {
            message += "Orch-Queue-Entry: \(entry.id)\n"
            if let task = entry.task { message += "Orch-Task: \(task.hex)\n" }
        }
        let candidate = try gitCall { () throws(GitError) in try repository.createCommit(tree: tree, parents: [base] + tips, message: message) }
        return (candidate, tree, members)
    }

    /// Checks `candidate` out in a scratch worktree, runs the test command, records the note.
    private func test(_ candidate: OID, tree: OID, base: OID, members: [QueueEntry], command: String) throws(MergeQueueError) -> QueueTestRecord {
        ScratchWorktree.removeLeftovers(repository)
        let worktree = try ScratchWorktree.create(repository, commit: candidate)
        defer { worktree.remove() }
        var runner = TestCommandRunner(command: command, retries: configuration.retries, logTailBytes: configuration.logTailBytes)
        runner.timeoutSeconds = configuration.timeoutSeconds
        let outcome = runner.run(in: worktree)
        let record = QueueTestRecord(
            command: command, attempts: outcome.attempts, logTail: outcome.logTail, tree: tree.hex, base: base.hex,
            entries: members.map(\.id), time: store.clock())
        try storeCall { () throws(StoreError) in try store.recordTest(record, on: candidate) }
        return record
    }

    private func reject(_ entries: [QueueEntry], reason: String, conflicts: [String]) throws(MergeQueueError) -> [QueueEntry] {
        guard !entries.isEmpty else { return [] }
        let rejected = try mark(entries, "reject #\(list(entries)): \(reason.prefix { $0 != "\n" })") {
            $0.state = .rejected
            $0.reason = reason
            $0.conflicts = conflicts
        }
        // The task goes back to open so its worker (or another) picks it up with the reason.
        for entry in rejected { if let task = entry.task { _ = try? tasks.apply(.release(task)) } }
        return rejected
    }

    @discardableResult
    private func mark(_ entries: [QueueEntry], _ message: String, _ change: @escaping (inout QueueEntry) -> Void) throws(MergeQueueError) -> [QueueEntry] {
        try storeCall { () throws(StoreError) in try store.update(entries.map(\.id), message: message, change) }
    }

    private func holdRunLock() throws(MergeQueueError) {
        if runLock == nil { runLock = try RunLock.acquire(in: ScratchWorktree.root(repository)) }
    }

    private func list(_ entries: [QueueEntry]) -> String { entries.map { String($0.id) }.joined(separator: ",") }

    private static func lastLines(_ log: String, count: Int = 3) -> String {
        let lines = log.split(separator: "\n").suffix(count)
        return lines.isEmpty ? "" : "\n" + lines.joined(separator: "\n")
    }

    private func gitCall<T>(_ body: () throws(GitError) -> T) throws(MergeQueueError) -> T {
        do { return try body() } catch { throw .git(error) }
    }

    private func storeCall<T>(_ body: () throws(StoreError) -> T) throws(MergeQueueError) -> T {
        do { return try body() } catch { throw .store(error) }
    }
}
