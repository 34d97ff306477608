#if canImport(Glibc)
import Glibc
#endif
public import GitKit
public import OrchModel

/// What a sync did.
public struct SyncReport: Sendable {
    public enum Action: String, Sendable {
        /// Local and remote were the same.
        case upToDate = "up-to-date"
        /// The remote had no graph, or only older history: local state was pushed.
        case pushed
        /// Local had no graph, or only older history: it moved to the remote's.
        case pulled
        /// Both had new operations: they were merged, and the merge was pushed.
        case merged
    }

    public var action: Action
    public var remote: String
    /// The graph head both sides have after the sync.
    public var head: OID?
    /// Tasks the merge changed in the local graph.
    public var mergedTasks: Int
    /// Conflicts the merge resolved, and how.
    public var notes: [GraphMerge.Note]
    /// Rounds of fetch, merge and push (more than one when the remote moved meanwhile).
    public var rounds: Int
    /// Notes refs (`refs/notes/orch/*`) that moved on either side.
    public var notesChanged = 0
}

extension TaskStore {
    /// Brings `refs/orch/graph` and the remote's into one state: fetch into the tracking
    /// namespace, fast-forward or merge three-way (`GraphMerge`), push with a lease on what was
    /// fetched, and start again when the remote moved meanwhile.
    public func sync(with remote: RemoteGit, maxRounds: Int = 20) throws(StoreError) -> SyncReport {
        var report = try syncGraph(with: remote, maxRounds: maxRounds)
        report.notesChanged = try syncNotes(with: remote)
        return report
    }

    private func syncGraph(with remote: RemoteGit, maxRounds: Int) throws(StoreError) -> SyncReport {
        lastRejection = nil
        var mergedTasks = 0
        var notes: [GraphMerge.Note] = []
        for round in 1...maxRounds {
            try remote.fetch()
            let theirs = try git { () throws(GitError) in try repository.referenceTarget(remote.trackingRef()) }
            // A push lost "to a race" while the remote did not move is no race: the server is stuck
            // (a stale lock on its side, say). Report it instead of retrying forever.
            if let (lease, message) = lastRejection, lease == theirs, round > 2 {
                throw .remote(remote.remote, "pushing refs/orch/graph keeps failing although the remote did not move: \(message)")
            }
            let ours = try headCommit()
            func report(_ action: SyncReport.Action, _ head: OID?) -> SyncReport {
                SyncReport(action: mergedTasks > 0 || !notes.isEmpty ? .merged : action, remote: remote.remote, head: head,
                           mergedTasks: mergedTasks, notes: notes, rounds: round)
            }
            switch (ours, theirs) {
            case (nil, nil):
                throw .notInitialized
            case (nil, let theirs?):
                if try moveLocal(to: theirs, from: nil) { return report(.pulled, theirs) }
            case (let ours?, nil):
                if try push(ours, to: remote, expecting: nil) { return report(.pushed, ours) }
            case (let ours?, let theirs?) where ours == theirs:
                return report(.upToDate, ours)
            case (let ours?, let theirs?):
                let base: OID?
                do {
                    base = try repository.mergeBase(ours, theirs)
                } catch {
                    throw .remote(remote.remote, "its refs/orch/graph is not a git-orch task graph (\(error.message)); local state is untouched")
                }
                if base == theirs {
                    if try push(ours, to: remote, expecting: theirs) { return report(.pushed, ours) }
                } else if base == ours {
                    if try moveLocal(to: theirs, from: ours) { return report(.pulled, theirs) }
                } else {
                    let merge = try mergeCommit(ours: ours, theirs: theirs, base: base, remote: remote.remote)
                    guard try moveLocal(to: merge.commit, from: ours, adopting: merge.write) else { continue }
                    mergedTasks += merge.result.changed.count
                    notes += merge.result.notes
                    if try push(merge.commit, to: remote, expecting: theirs) { return report(.merged, merge.commit) }
                }
            }
        }
        throw .remote(remote.remote, "the remote kept moving; gave up after \(maxRounds) rounds (run 'git orch sync' again)")
    }

    /// Claims a task so that the claim counts only once a push carrying it succeeded (see
    /// `applyThroughRemote`), and checks that local state kept the claim.
    public func claimThroughRemote(
        _ wanted: TaskID?, worker: String, role: String?, remote: RemoteGit, maxRounds: Int = 200
    ) throws(StoreError) -> Task {
        let applied = try applyThroughRemote(.claim(wanted, worker: worker, role: role), remote: remote, maxRounds: maxRounds)
        guard let claimed = applied.outcome.changed.first else { throw .graph(.nothingClaimable(role: role)) }
        return claimed
    }

    /// Applies an operation so that it counts only once a push carrying it succeeded: it is
    /// computed on the remote's head just fetched, committed on top of it (not on local state)
    /// and pushed with a lease on that head. A lost race means fetch and try again, so a published
    /// claim was always made on a graph where the task was free, and no later push can drop it.
    /// Local state then takes the operation (fast-forward, or a sync when it has moved meanwhile).
    public func applyThroughRemote(_ operation: GraphOperation, remote: RemoteGit, maxRounds: Int = 200) throws(StoreError) -> Applied {
        let writer = GraphWriter(repository: repository)
        for round in 1...maxRounds {
            // Publish local state first (an offline claim made here must not be overridden later
            // by a merge), and fetch what the others published.
            _ = try syncGraph(with: remote, maxRounds: 20)
            guard let published = try git({ () throws(GitError) in try repository.referenceTarget(remote.trackingRef()) }) else {
                throw .remote(remote.remote, "has no task graph after a sync")
            }
            let snapshot = try snapshotAt(published)
            let outcome: OperationOutcome
            do {
                outcome = try operation.outcome(on: snapshot.graph, at: clock())
            } catch {
                throw .graph(error)
            }
            if outcome.changed.isEmpty { return Applied(outcome: outcome, commit: published, retries: round - 1) }
            let write = try writer.commit(outcome.changed, onto: snapshot, message: outcome.commitMessage)
            guard try push(write.commit, to: remote, expecting: published) else {
                statistics.lostRaces += 1
                // Many claimers on one remote: spread the retries so they stop colliding in lockstep.
                if round > 2 { usleep(UInt32.random(in: 0...UInt32(min(50_000, 2_000 * round)))) }
                continue
            }
            statistics.operations += 1
            if try !moveLocal(to: write.commit, from: published, adopting: write) {
                // Local state moved meanwhile: merge it in, and make sure the merge kept a claim.
                _ = try syncGraph(with: remote, maxRounds: 20)
                if case .claim = operation, let claimed = outcome.changed.first {
                    let now = try self.snapshot().graph[claimed.id]
                    guard now?.status == .claimed, now?.assignee == claimed.assignee else {
                        throw .graph(.alreadyClaimed(id: claimed.id.hex, by: now?.assignee ?? "another worker"))
                    }
                }
            }
            return Applied(outcome: outcome, commit: write.commit, retries: round - 1)
        }
        throw .remote(remote.remote, "could not settle '\(operation)' after \(maxRounds) rounds")
    }

    /// Brings `refs/notes/orch/*` and the remote's together: fast-forward either way, or git's
    /// notes merge, then push with a lease. Returns how many notes refs changed on either side.
    /// Runs after a graph sync, whose fetch brought the remote's notes.
    public func syncNotes(with remote: RemoteGit, maxRounds: Int = 5) throws(StoreError) -> Int {
        let local = try git { () throws(GitError) in try repository.references(matching: "refs/notes/orch/*") }
        let tracked = try git { () throws(GitError) in try repository.references(matching: "refs/notes/orch-remotes/\(remote.remote)/*") }
        var names = Set(local.map { String($0.name.dropFirst("refs/notes/orch/".count)) })
        names.formUnion(tracked.map { String($0.name.dropFirst("refs/notes/orch-remotes/\(remote.remote)/".count)) })
        var changed = 0
        for name in names.sorted() {
            // A push lost to another machine's: fetch again and redo this ref, a few times.
            for round in 1...maxRounds {
                if round > 1 { try remote.fetch() }
                switch try syncNotesRef(name, with: remote) {
                case .unchanged: break
                case .changed: changed += 1
                case .lostRace:
                    if round < maxRounds { continue }
                    throw .remote(remote.remote, "refs/notes/orch/\(name) kept moving; run 'git orch sync' again")
                }
                break
            }
        }
        return changed
    }

    private enum NotesOutcome { case unchanged, changed, lostRace }

    private func syncNotesRef(_ name: String, with remote: RemoteGit) throws(StoreError) -> NotesOutcome {
        let localRef = "refs/notes/orch/\(name)", trackingRef = remote.notesTrackingRef(name)
        let ours = try git { () throws(GitError) in try repository.referenceTarget(localRef) }
        let theirs = try git { () throws(GitError) in try repository.referenceTarget(trackingRef) }
        if ours == theirs { return .unchanged }
        if let theirs, try ours.map({ (ours) throws(StoreError) in try git { () throws(GitError) in try repository.isAncestor(ours, of: theirs) } }) ?? true {
            _ = try git { () throws(GitError) in try repository.compareAndSwapReference(localRef, to: theirs, expecting: ours, message: "git-orch: sync notes") }
            return .changed
        }
        if let theirs, let ours, try !git({ () throws(GitError) in try repository.isAncestor(theirs, of: ours) }) {
            try remote.mergeNotes(local: localRef, remoteTracking: trackingRef)
        }
        guard let merged = try git({ () throws(GitError) in try repository.referenceTarget(localRef) }) else { return .unchanged }
        guard case .pushed = try remote.push(merged, toRef: localRef, expecting: theirs) else { return .lostRace }
        _ = try git { () throws(GitError) in try repository.compareAndSwapReference(trackingRef, to: merged, expecting: theirs, message: "git-orch: pushed") }
        return .changed
    }

    /// Pushes and, when it lands, records the new remote head in the tracking ref.
    private func push(_ commit: OID, to remote: RemoteGit, expecting: OID?) throws(StoreError) -> Bool {
        switch try remote.push(commit, expecting: expecting) {
        case .pushed: lastRejection = nil
        case .stale(let message):
            lastRejection = (expecting, message)
            return false
        }
        let tracked = try git { () throws(GitError) in try repository.referenceTarget(remote.trackingRef()) }
        _ = try git { () throws(GitError) in
            try repository.compareAndSwapReference(remote.trackingRef(), to: commit, expecting: tracked, message: "git-orch: pushed")
        }
        return true
    }

    /// Moves the local graph by compare-and-swap; false when another local writer moved it first.
    private func moveLocal(to commit: OID, from expected: OID?, adopting write: GraphWrite? = nil) throws(StoreError) -> Bool {
        let moved = try git { () throws(GitError) in
            try repository.compareAndSwapReference(StateRefs.graph, to: commit, expecting: expected, message: "git-orch: sync", lockPolicy: lockPolicy)
        }
        if moved, let write, var adopted = current, adopted.commit == expected {
            current = nil
            adopted.adopt(write)
            current = adopted
        }
        return moved
    }

    private func mergeCommit(ours: OID, theirs: OID, base: OID?, remote: String) throws(StoreError) -> (commit: OID, write: GraphWrite, result: GraphMerge.Result) {
        let ourSnapshot = try snapshotAt(ours)
        let theirSnapshot: GraphSnapshot
        let baseGraph: TaskGraph
        do {
            theirSnapshot = try snapshotAt(theirs)
            baseGraph = try base.map { (commit) throws(StoreError) in try snapshotAt(commit).graph } ?? TaskGraph()
        } catch {
            throw .remote(remote, "its refs/orch/graph is not a git-orch task graph (\(error)); local state is untouched")
        }
        let result = GraphMerge.merge(base: baseGraph, ours: ourSnapshot.graph, theirs: theirSnapshot.graph)
        var message = "merge \(remote): \(result.changed.count) tasks changed, \(result.notes.count) conflicts resolved\n\nOrch-Operation: merge\n"
        for note in result.notes.prefix(50) { message += "Orch-Conflict: \(note)\n" }
        let write = try GraphWriter(repository: repository).commit(result.changed, onto: ourSnapshot, message: message, extraParents: [theirs])
        return (write.commit, write, result)
    }
}
