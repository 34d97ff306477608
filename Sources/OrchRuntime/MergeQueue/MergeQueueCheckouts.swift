import Foundation
import GitKit
import OrchModel
import OrchStore

/// A green candidate whose merge waits for a checkout of the protected branch (its local changes
/// overlap the merge). Kept in `.git/orch/queue/held.json` (runtime only, never shared) so the
/// next step, in this process or the next `queue run`, merges it without testing it again.
struct HeldMerge: Codable, Equatable {
    var base: String
    var candidate: String
    var tree: String
    var entries: [Int]
    var reason: String

    static func path(_ repository: Repository) -> String { ScratchWorktree.root(repository) + "/held.json" }

    static func read(_ repository: Repository) -> HeldMerge? {
        let path = path(repository)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(HeldMerge.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            // A torn write (a crash mid-write) only costs a re-test: drop it, say nothing more.
            try? FileManager.default.removeItem(atPath: path)
            return nil
        }
    }

    func write(_ repository: Repository) throws(MergeQueueError) {
        let path = Self.path(repository)
        do {
            try FileManager.default.createDirectory(atPath: ScratchWorktree.root(repository), withIntermediateDirectories: true)
            try JSONEncoder().encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .checkout("cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// Best effort: a held merge left behind is checked against main, its entries and its note
    /// before it is used (`resumeHeld`), so a stale one is only read and dropped again.
    static func clear(_ repository: Repository) {
        try? FileManager.default.removeItem(atPath: path(repository))
    }
}

extension MergeQueue {
    var follower: CheckoutFollower {
        CheckoutFollower(repository: repository, branchRef: configuration.mainRef, branchName: configuration.mainBranch)
    }

    /// Moves the protected branch to a green candidate by compare-and-swap, bringing its checkouts along.
    func advanceMain(to candidate: Candidate) throws(MergeQueueError) -> CheckoutFollower.Outcome {
        try follower.advance(from: candidate.base, to: candidate.commit) { () throws(MergeQueueError) in
            // A team on a remote: the remote's main moves first (notes, then a push with a lease
            // on the tested base); a lost race there means the candidate is tested again.
            if let publishMain, try !publishMain(candidate.commit, candidate.base) { return false }
            return try gitCall { () throws(GitError) in
                if try repository.compareAndSwapReference(
                    configuration.mainRef, to: candidate.commit, expecting: candidate.base, message: "git-orch queue: merge #\(list(candidate.members))") {
                    return true
                }
                // The team's sync may already have brought main here from the remote.
                return try repository.referenceTarget(configuration.mainRef) == candidate.commit
            }
        }
    }

    /// The candidate passed but a checkout holds it: remember it green, put its entries (and any
    /// speculative ones after it) back in the queue with the reason.
    func hold(_ candidate: Candidate, later: [Candidate], reason: String, step: inout QueueStep) throws(MergeQueueError) {
        step.kind = .held(reason)
        try HeldMerge(base: candidate.base.hex, candidate: candidate.commit.hex, tree: candidate.tree.hex,
                      entries: candidate.members.map(\.id), reason: reason).write(repository)
        try requeue([candidate] + later, reason: "tested green; waiting: \(reason)")
    }

    /// The members of a candidate now in main: merged, their tasks done.
    func settleMerged(_ candidate: Candidate, step: inout QueueStep) throws(MergeQueueError) {
        step.kind = .merged
        step.candidate = candidate.commit
        let members = candidate.members
        let merged = try mark(members, "merged #\(list(members)) as \(candidate.commit.hex.prefix(12))") {
            $0.state = .merged
            $0.mergedAs = candidate.commit.hex
            $0.reason = nil
        }
        step.merged += merged
        for entry in merged { completeTask(of: entry, step: &step) }
    }

    /// A held candidate still valid on `base` (same base, members still waiting at the same tips,
    /// its green note in place) is merged without testing again, or stays held. Nil when there is
    /// no such candidate: the step goes on as usual.
    func resumeHeld(base: OID) throws(MergeQueueError) -> QueueStep? {
        guard let held = HeldMerge.read(repository) else { return nil }
        let entries = try entries()
        let members = held.entries.compactMap { id in entries.first { $0.id == id && $0.state.isActive } }
        let commit = OID(hex: held.candidate)
        let parents = try commit.map { (commit: OID) throws(MergeQueueError) -> [OID] in
            guard repository.contains(commit) else { return [] }
            return try gitCall { () throws(GitError) in try repository.commit(commit).parents }
        } ?? []
        // The same entries at the same tips, on the same base, and the candidate's note green.
        guard held.base == base.hex, members.count == held.entries.count, let commit, let tree = OID(hex: held.tree),
              parents.first == base, members.allSatisfy({ entry in OID(hex: entry.tip).map(parents.contains) ?? false }),
              try storeCall({ () throws(StoreError) in try store.testRecord(on: commit) })?.passed == true
        else {
            HeldMerge.clear(repository)
            return nil
        }
        let candidate = Candidate(commit: commit, tree: tree, base: base, members: members)
        var step = QueueStep(kind: .held(held.reason))
        step.candidate = commit
        switch try advanceMain(to: candidate) {
        case .moved:
            HeldMerge.clear(repository)
            try settleMerged(candidate, step: &step)
        case .branchMoved:
            HeldMerge.clear(repository)
            step.kind = .mainMoved
        case .held(let reason):
            step.kind = .held(reason)
            if reason != held.reason {
                var updated = held
                updated.reason = reason
                try updated.write(repository)
                try mark(members, "held #\(list(members))") { $0.reason = "tested green; waiting: \(reason)" }
            }
        }
        return step
    }

    /// Why the merge waits for a checkout, when a held candidate is still current.
    func heldReason(mainHead: OID?) -> String? {
        guard let mainHead, let held = HeldMerge.read(repository), held.base == mainHead.hex else { return nil }
        return held.reason
    }
}
