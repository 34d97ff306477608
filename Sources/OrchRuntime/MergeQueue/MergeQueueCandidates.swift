import Foundation
import GitKit
import OrchModel
import OrchStore

/// A merge of queue entries onto a base, ready to test: its commit has `base` as first parent and
/// each member's tip as a further parent.
struct Candidate {
    var commit: OID
    var tree: OID
    var base: OID
    var members: [QueueEntry]
}

extension MergeQueue {
    enum Built {
        case built(Candidate)
        /// Every entry was rejected or already merged.
        case empty
        /// A speculative build met a conflict: nothing was rejected, the group waits for a real base.
        case stopped
    }

    /// Merges `group` in memory onto `base`, one entry after the other. An entry that conflicts is
    /// rejected with its paths, unless the build is speculative (on a base not yet known green),
    /// where the build stops instead.
    func buildCandidate(_ group: [QueueEntry], onto base: OID, speculative: Bool, step: inout QueueStep) throws(MergeQueueError) -> Built {
        var current = base
        var tree: OID?
        var members: [QueueEntry] = []
        var tips: [OID] = []
        for entry in group {
            guard let tip = OID(hex: entry.tip), repository.contains(tip) else {
                try reject([entry], reason: "its commit \(entry.tip.prefix(12)) is missing from the repository", conflicts: [], step: &step)
                continue
            }
            if try gitCall({ () throws(GitError) in try repository.isAncestor(tip, of: base) }) {
                let merged = try mark([entry], "#\(entry.id) is already in \(configuration.mainBranch)") {
                    $0.state = .merged
                    $0.mergedAs = base.hex
                    $0.reason = "already in \(self.configuration.mainBranch)"
                }
                step.merged += merged
                for entry in merged { completeTask(of: entry, step: &step) }
                continue
            }
            switch try gitCall({ () throws(GitError) in try repository.merge(ours: current, theirs: tip) }) {
            case .conflicts(let paths):
                if speculative { return .stopped }
                guard members.isEmpty else {
                    // It conflicts with another entry of this batch, not with main: it waits for the
                    // next round, when that entry is in main (and a conflict then is a real one).
                    try mark([entry], "#\(entry.id) waits for #\(list(members))") {
                        $0.reason = "conflicts with #\(self.list(members)) of the same batch in \(paths.joined(separator: ", ")); tested after it"
                    }
                    continue
                }
                try reject(
                    [entry], reason: "conflicts with \(configuration.mainBranch) in \(paths.joined(separator: ", ")); rebase on \(configuration.mainBranch) and enqueue again",
                    conflicts: paths, step: &step)
            case .clean(let merged):
                current = try gitCall { () throws(GitError) in
                    try repository.createCommit(tree: merged, parents: [current, tip], message: "queue: partial candidate")
                }
                tree = merged
                members.append(entry)
                tips.append(tip)
            }
        }
        guard let tree, !members.isEmpty else { return .empty }
        let branches = members.map(\.branch)
        var message = members.count == 1
            ? "Merge branch '\(branches[0])' into \(configuration.mainBranch)\n\n"
            : "Merge \(members.count) branches into \(configuration.mainBranch)\n\n" + branches.map { "- \($0)\n" }.joined() + "\n"
        for entry in members {
            message += "Orch-Queue-Entry: \(entry.id)\n"
            if let task = entry.task { message += "Orch-Task: \(task.hex)\n" }
        }
        let commit = try gitCall { () throws(GitError) in try repository.createCommit(tree: tree, parents: [base] + tips, message: message) }
        return .built(Candidate(commit: commit, tree: tree, base: base, members: members))
    }

    /// Tests the candidates, at once when there are several: each in its own scratch worktree. A
    /// tree already tested with this command (green or red) is not run again. Every candidate gets
    /// its note. Returns the records in the candidates' order and the number of test runs.
    func test(_ candidates: [Candidate], command: String) throws(MergeQueueError) -> ([QueueTestRecord], Int) {
        var records: [QueueTestRecord?] = candidates.map { candidate in
            knownTrees[candidate.tree].flatMap { $0.command == command ? $0 : nil }
        }
        let toRun = candidates.indices.filter { records[$0] == nil }
        // One queue commit for the round's runs.
        let testing = toRun.flatMap { candidates[$0].members }
        if !testing.isEmpty {
            let message = "test " + toRun.map { "#\(list(candidates[$0].members)) on \(candidates[$0].commit.hex.prefix(12))" }.joined(separator: ", ")
            try mark(testing, message) { $0.state = .testing; $0.attempts += 1 }
        }
        if !toRun.isEmpty {
            ScratchWorktree.removeLeftovers(repository)
            // Warm lanes, kept between runs (TestLanes.swift): one per candidate tested at once.
            let lanes = try lanes(for: toRun.map { candidates[$0].commit })  // their port slots are held until the runs end
            var configured = TestCommandRunner(command: command, retries: configuration.retries, logTailBytes: configuration.logTailBytes)
            configured.timeoutSeconds = configuration.timeoutSeconds
            let runner = configured
            let outcomes = OutcomeSlots(count: candidates.count)
            let work = zip(toRun, lanes).map { ($0, $1.worktree, $1.environment) }
            let cpuBefore = ChildCPU.seconds()
            // The runs share nothing but the slots: no libgit2 handle is used off this thread.
            LaneThreads.perform(work.count) { job in
                outcomes.set(work[job].0, runner.run(in: work[job].1, environment: work[job].2))
            }
            withExtendedLifetime(lanes) {}
            var wall = 0.0
            for index in toRun {
                guard let outcome = outcomes.get(index) else { continue }
                let candidate = candidates[index]
                wall += outcome.attempts.reduce(0) { $0 + $1.durationSeconds }
                let record = QueueTestRecord(
                    command: command, attempts: outcome.attempts, logTail: outcome.logTail, tree: candidate.tree.hex,
                    base: candidate.base.hex, entries: candidate.members.map(\.id), time: store.clock())
                records[index] = record
                knownTrees[candidate.tree] = record
            }
            noteCoreShare(cpuSeconds: ChildCPU.seconds() - cpuBefore, wallSeconds: wall)
        }
        // Every candidate carries its note; a known tree's note is copied without a new run.
        for (index, candidate) in candidates.enumerated() {
            guard let record = records[index] else { continue }
            try storeCall { () throws(StoreError) in try store.recordTest(record, on: candidate.commit) }
        }
        return (records.map { $0! }, toRun.count)
    }

    /// Averages how much of a core one test run keeps busy, for the automatic lane count.
    private func noteCoreShare(cpuSeconds: Double, wallSeconds: Double) {
        guard wallSeconds > 0.01, cpuSeconds >= 0 else { return }
        let share = cpuSeconds / wallSeconds
        coreShare = coreShare.map { ($0 + share) / 2 } ?? share
    }

    func reject(_ entries: [QueueEntry], reason: String, conflicts: [String], step: inout QueueStep) throws(MergeQueueError) {
        guard !entries.isEmpty else { return }
        let rejected = try mark(entries, "reject #\(list(entries)): \(reason.prefix { $0 != "\n" })") {
            $0.state = .rejected
            $0.reason = reason
            $0.conflicts = conflicts
        }
        step.rejected += rejected
        // The task goes back to open so its worker (or another) picks it up with the reason,
        // until it has used its attempts. Work rejected for conflicts stays with its worker
        // instead, whose agent resolves them on its branch (`ConflictRetryPolicy`).
        guard rejected.contains(where: { $0.task != nil }), let graph = try taskGraph() else { return }
        let all = try conflicts.isEmpty ? [] : self.entries()
        for entry in rejected {
            guard let task = entry.task else { continue }
            if entry.worker != nil, ConflictRetryPolicy.resolvesOnBranch(task, entries: all, retries: configuration.conflictRetries) { continue }
            let attempts = graph[task]?.attempts ?? 0
            let operation: GraphOperation = attempts >= configuration.maxAttempts
                ? .fail(task, reason: String("rejected by the merge queue \(attempts) times: \(reason)".prefix(3000)))
                : .release(task)
            do {
                try tasks.apply(operation)
            } catch {
                step.problems.append("rejected entry #\(entry.id), but could not \(attempts >= configuration.maxAttempts ? "fail" : "release") "
                    + "task \(task.hex.prefix(8)): \(error.description)")
            }
        }
    }

    @discardableResult
    func mark(_ entries: [QueueEntry], _ message: String, _ change: @escaping (inout QueueEntry) -> Void) throws(MergeQueueError) -> [QueueEntry] {
        try storeCall { () throws(StoreError) in try store.update(entries.map(\.id), message: message, change) }
    }

    func list(_ entries: [QueueEntry]) -> String { entries.map { String($0.id) }.joined(separator: ",") }

    static func lastLines(_ log: String, count: Int = 3) -> String {
        let lines = log.split(separator: "\n").suffix(count)
        return lines.isEmpty ? "" : "\n" + lines.joined(separator: "\n")
    }

    func gitCall<T>(_ body: () throws(GitError) -> T) throws(MergeQueueError) -> T {
        do { return try body() } catch { throw .git(error) }
    }

    func storeCall<T>(_ body: () throws(StoreError) -> T) throws(MergeQueueError) -> T {
        do { return try body() } catch { throw .store(error) }
    }
}

/// Results written by concurrent test runs, one slot each.
private final class OutcomeSlots: @unchecked Sendable {
    private var slots: [TestCommandRunner.Outcome?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ outcome: TestCommandRunner.Outcome) { lock.withLock { slots[index] = outcome } }
    func get(_ index: Int) -> TestCommandRunner.Outcome? { lock.withLock { slots[index] } }
}
