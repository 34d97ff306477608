#if canImport(Glibc)
import Glibc
#endif
import GitKit

/// What syncing one document chain did.
public enum ChainSyncAction: String, Sendable {
    case upToDate = "up-to-date", pushed, pulled, merged
    /// Neither side has the chain.
    case absent
}

extension DocumentChain {
    /// Brings this chain (`refs/orch/<name>`) and the remote's together, after a `fetch()` that
    /// brought the remote's into `remote.trackingRef(name)`: fast-forward either way, else a merge
    /// commit holding the union of both sides' documents, pushed with a lease on what was fetched.
    ///
    /// A union is right for the chains this carries: handoff documents and ledger runs have
    /// paths that are unique by construction (a timestamp and a worker in the name), and a worker
    /// record changed on both sides keeps the local one (this machine runs that worker; the
    /// next change from the other machine wins there the same way). The task graph has its own
    /// three-way merge (`TaskStore.sync`) because its documents change field by field.
    public func sync(with remote: RemoteGit, name: String, maxRounds: Int = 5) throws(StoreError) -> ChainSyncAction {
        let tracking = remote.trackingRef(name)
        for round in 1...maxRounds {
            if round > 1 { try remote.fetch() }
            let ours = try head()
            let theirs = try git { () throws(GitError) in try repository.referenceTarget(tracking) }
            switch (ours, theirs) {
            case (nil, nil):
                return .absent
            case (let ours?, let theirs?) where ours == theirs:
                return .upToDate
            case (nil, let theirs?):
                if try moveLocal(to: theirs, from: nil) { return .pulled }
            case (let ours?, nil):
                if try publish(ours, remote: remote, tracking: tracking, expecting: nil) { return .pushed }
            case (let ours?, let theirs?):
                if try git({ () throws(GitError) in try repository.isAncestor(theirs, of: ours) }) {
                    if try publish(ours, remote: remote, tracking: tracking, expecting: theirs) { return .pushed }
                } else if try git({ () throws(GitError) in try repository.isAncestor(ours, of: theirs) }) {
                    if try moveLocal(to: theirs, from: ours) { return .pulled }
                } else {
                    let merged = try mergeCommit(ours: ours, theirs: theirs, remote: remote.remote)
                    guard try moveLocal(to: merged, from: ours) else { continue }
                    if try publish(merged, remote: remote, tracking: tracking, expecting: theirs) { return .merged }
                }
            }
        }
        throw .remote(remote.remote, "\(ref) kept moving; run 'git orch sync' again")
    }

    private func moveLocal(to commit: OID, from expected: OID?) throws(StoreError) -> Bool {
        try git { () throws(GitError) in
            try repository.compareAndSwapReference(ref, to: commit, expecting: expected, message: "git-orch: sync", lockPolicy: lockPolicy)
        }
    }

    private func publish(_ commit: OID, remote: RemoteGit, tracking: String, expecting: OID?) throws(StoreError) -> Bool {
        guard case .pushed = try remote.push(commit, toRef: ref, expecting: expecting) else { return false }
        _ = try git { () throws(GitError) in
            try repository.compareAndSwapReference(tracking, to: commit, expecting: expecting, message: "git-orch: pushed")
        }
        return true
    }

    private func mergeCommit(ours: OID, theirs: OID, remote: String) throws(StoreError) -> OID {
        var documents = try self.documents(at: theirs)
        for (path, bytes) in try self.documents(at: ours) { documents[path] = bytes }
        return try git { () throws(GitError) in
            var blobs: [String: OID] = [:]
            for (path, bytes) in documents { blobs[path] = try repository.writeBlob(bytes) }
            let tree = try repository.writeTree(paths: blobs)
            return try repository.createCommit(
                tree: tree, parents: [ours, theirs], message: "merge \(remote)\n\nOrch-Operation: merge\n")
        }
    }
}

extension TaskStore {
    /// The chains besides the graph that travel with `git orch sync` and `clone`: who the workers
    /// are, their handoffs, and what they cost, so another clone can resume the team.
    public static let syncedChains = ["workers", "handoffs", "ledger"]

    /// What a team on a remote syncs besides: the shared merge queue and the machines (heartbeats,
    /// queue lease), whose writes go through the remote, so syncing them only pulls.
    public static let teamChains = syncedChains + ["queue", "machines"]

    /// Syncs `syncedChains` with `remote` (after a fetch, as `sync(with:)` does first).
    public func syncChains(with remote: RemoteGit, names: [String] = TaskStore.syncedChains) throws(StoreError) -> [String: ChainSyncAction] {
        var actions: [String: ChainSyncAction] = [:]
        for name in names {
            actions[name] = try DocumentChain(repository: repository, ref: "refs/orch/\(name)").sync(with: remote, name: name)
        }
        return actions
    }
}
