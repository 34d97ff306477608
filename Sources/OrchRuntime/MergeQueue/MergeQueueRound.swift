import Foundation
import GitKit
import OrchModel
import OrchStore

/// One round of the queue: the planner's candidates built (each on its parent), tested at once
/// in lanes, and settled in order: main moves along the green ones built on it, a red single
/// entry is rejected, a red group becomes the suspect the next round bisects, and everything
/// built on a candidate that did not merge waits for the next round.
extension MergeQueue {
    func runRound(base: OID, command: String, entries: [QueueEntry]) throws(MergeQueueError) -> QueueStep {
        planner.batchSize = configuration.batchSize  // the configuration may change between steps
        // Entries left `testing` by a crashed run count as queued: this process holds the run lock.
        let queued = entries.filter { $0.state.isActive }.map(\.id)
        let round = planner.plan(queued: queued, lanes: lanes())
        if round.isEmpty { return QueueStep(kind: .idle) }

        var step = QueueStep(kind: .noCandidate)
        var built: [Candidate?] = []
        for planned in round {
            var onto = base
            if let parent = planned.parent {
                guard let parentCandidate = built[parent] else {
                    built.append(nil)
                    continue
                }
                onto = parentCandidate.commit
            }
            let members = planned.group.compactMap { id in entries.first { $0.id == id } }
            // Only a candidate on the head itself is certain: a conflict there rejects the entry;
            // on a speculative parent it may vanish when the parent fails, so the build stops.
            switch try buildCandidate(members, onto: onto, speculative: planned.parent != nil, step: &step) {
            case .built(let candidate): built.append(candidate)
            case .empty, .stopped: built.append(nil)
            }
        }
        // What was built: a conflict may have taken entries out of a group.
        var actual = round
        for (index, candidate) in built.enumerated() {
            if let candidate { actual[index].group = candidate.members.map(\.id) }
        }
        let candidates = built.compactMap { $0 }
        guard !candidates.isEmpty else {
            planner.record(round, outcomes: round.map { _ in .discard })
            return step
        }
        step.tested = candidates.flatMap { $0.members.map(\.id) }
        let (records, runs) = try test(candidates, command: command)
        step.testRuns = runs
        var recordByCommit: [OID: QueueTestRecord] = [:]
        for (candidate, record) in zip(candidates, records) { recordByCommit[candidate.commit] = record }
        let passed = built.map { $0.flatMap { recordByCommit[$0.commit]?.passed } }

        var outcomes = QueuePlanner.settle(actual, passed: passed)
        // Main moves once per round: from the head straight to the last green candidate of the
        // chain (those below it were tested on their exact trees too, and stay in its history as
        // first parents), so checkouts of main are brought along once. When that is held, or
        // main moved, each merge is tried on its own as before.
        let merging = outcomes.indices.filter { outcomes[$0] == .merge }
        var movedAtOnce = false
        if merging.count > 1, let last = built[merging[merging.count - 1]] {
            let through = Candidate(commit: last.commit, tree: last.tree, base: base, members: merging.flatMap { built[$0]?.members ?? [] })
            movedAtOnce = try advanceMain(to: through) == .moved
        }
        var failed = false
        for (index, outcome) in outcomes.enumerated() {
            guard let candidate = built[index] else { continue }
            let record = recordByCommit[candidate.commit]!
            switch outcome {
            case .merge:
                step.candidate = candidate.commit
                if movedAtOnce {
                    try settleMerged(candidate, step: &step)
                    continue
                }
                switch try advanceMain(to: candidate) {
                case .moved:
                    try settleMerged(candidate, step: &step)
                case .held(let reason):
                    // A checkout of main has local changes the merge would touch: it waits, and so
                    // does everything after it in this round.
                    for later in index..<outcomes.count { outcomes[later] = .discard }
                    try hold(candidate, later: built[(index + 1)...].compactMap { $0 }, reason: reason, step: &step)
                    planner.record(actual, outcomes: outcomes)
                    return step
                case .branchMoved:
                    // Main moved under us: nothing after this is settled; all of it is tested again.
                    for later in index..<outcomes.count { outcomes[later] = .discard }
                    step.kind = .mainMoved
                    try requeue(built[index...].compactMap { $0 }, reason: "\(configuration.mainBranch) moved while this was tested; it is tested again on the new head")
                    planner.record(actual, outcomes: outcomes)
                    return step
                }
            case .reject:
                failed = true
                step.candidate = candidate.commit
                let short = candidate.commit.hex.prefix(12)
                let reason = "tests failed: '\(record.command)' exited \(record.exitStatus)"
                    + (record.retries > 0 ? " (\(record.attempts.count) attempts)" : "")
                    + " on \(short) (git notes --ref=orch/tests show \(short))"
                    + Self.lastLines(record.logTail)
                try reject(candidate.members, reason: reason, conflicts: [], step: &step)
            case .suspect:
                failed = true
                step.candidate = candidate.commit
                try mark(candidate.members, "bisect #\(list(candidate.members)) after a red run on \(candidate.commit.hex.prefix(12))") {
                    $0.state = .queued
                    $0.reason = "its batch failed the tests; bisecting"
                }
            case .discard:
                try requeue([candidate], reason: "it was tested on top of entries that failed; it is tested again")
            }
        }
        planner.record(actual, outcomes: outcomes)
        if failed { step.kind = .failed } else if !step.merged.isEmpty { step.kind = .merged }
        return step
    }

    /// The lanes for the next round: `orch.queue.parallel` when set (at most the cores), else
    /// `QueueLanes.count` from the cores and how busy the test runs kept them.
    func lanes() -> Int {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        if let configured = configuration.parallelism { return max(1, min(configured, cores)) }
        return QueueLanes.count(cores: cores, coreShare: coreShare)
    }

    /// Puts the candidates' entries back to queued with `reason` (the planner keeps its own order).
    func requeue(_ candidates: [Candidate], reason: String) throws(MergeQueueError) {
        let members = candidates.flatMap(\.members)
        guard !members.isEmpty else { return }
        try mark(members, "re-test #\(list(members))") {
            $0.state = .queued
            $0.reason = reason
        }
    }
}

/// CPU time used by this process's waited-for children (the test commands and what they ran).
enum ChildCPU {
    static func seconds() -> Double {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &usage) == 0 else { return 0 }
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
