#if canImport(Glibc)
import Glibc
#endif
public import GitKit

/// A state ref holding a small tree of documents (path -> bytes), changed one commit at a time by
/// compare-and-swap: the worker registry, the ledger, the message inboxes. Each change is a
/// closure applied to the current documents; a writer that loses the race re-reads and re-applies
/// it, so a change must be computed from what it is given, never from what was read earlier.
public struct DocumentChain {
    public let repository: Repository
    public let ref: String
    public var lockPolicy: LockPolicy
    /// Set for chains of a team on a remote whose writes count only once pushed (`TeamRemote`).
    public var remote: RemoteGit?
    /// Why the configured team remote cannot be used: every write fails with it.
    public var remoteProblem: StoreError?

    public typealias Documents = [String: [UInt8]]

    public init(repository: Repository, ref: String, lockPolicy: LockPolicy = .standard) {
        self.repository = repository
        self.ref = ref
        self.lockPolicy = lockPolicy
    }

    public func head() throws(StoreError) -> OID? {
        try git { () throws(GitError) in try repository.referenceTarget(ref) }
    }

    /// Every document at `commit` (default: the head); empty when the ref does not exist yet.
    public func documents(at commit: OID? = nil) throws(StoreError) -> Documents {
        let start: OID? = if let commit { commit } else { try head() }
        guard let commit = start else { return [:] }
        return try git { () throws(GitError) in
            var documents: Documents = [:]
            try collect(tree: try repository.commit(commit).tree, prefix: "", into: &documents)
            return documents
        }
    }

    private func collect(tree: OID, prefix: String, into documents: inout Documents) throws(GitError) {
        for entry in try repository.treeEntries(tree) {
            switch entry.kind {
            case .tree: try collect(tree: entry.oid, prefix: prefix + entry.name + "/", into: &documents)
            default: documents[prefix + entry.name] = try repository.blob(entry.oid)
            }
        }
    }

    /// Applies `change` to the current documents and publishes the result as one commit whose
    /// message is what `change` returns; `change` returning nil means nothing to do. Retries on a
    /// lost race. Returns the new head (the old one when nothing changed).
    @discardableResult
    public func update(_ change: (inout Documents) throws(StoreError) -> String?) throws(StoreError) -> OID? {
        var unchanged: OID?
        let published = try publish { base throws(StoreError) in
            var documents = try documents(at: base)
            guard let message = try change(&documents) else { unchanged = base; return nil }
            return try git { () throws(GitError) in
                var blobs: [String: OID] = [:]
                for (path, bytes) in documents { blobs[path] = try repository.writeBlob(bytes) }
                return (try repository.writeTree(paths: blobs), message)
            }
        }
        return published ?? unchanged
    }

    /// The compare-and-swap loop: `build` makes the new tree and message from the current head
    /// (nil: nothing to write); the commit is published if the head did not move, else rebuilt.
    private func publish(_ build: (OID?) throws(StoreError) -> (tree: OID, message: String)?) throws(StoreError) -> OID? {
        if let remoteProblem { throw remoteProblem }
        if let remote { return try publishThroughRemote(remote, build) }
        var retries = 0
        while true {
            let base = try head()
            guard let (tree, message) = try build(base) else { return nil }
            let published: (Bool, OID) = try git { () throws(GitError) in
                let commit = try repository.createCommit(tree: tree, parents: base.map { [$0] } ?? [], message: message)
                let swapped = try repository.compareAndSwapReference(
                    ref, to: commit, expecting: base, message: "git-orch: \(message.prefix { $0 != "\n" })", lockPolicy: lockPolicy)
                return (swapped, commit)
            }
            if published.0 { return published.1 }
            retries += 1
            // Many writers on one ref: spread the retries so they stop colliding in lockstep.
            if retries > 2 { usleep(UInt32.random(in: 0...UInt32(min(20_000, 500 * retries)))) }
        }
    }

    /// Writes (or, with nil, removes) documents at `changes`' paths in one commit, reading only the
    /// trees along those paths: for chains that grow (the ledger, the inboxes), where re-reading
    /// every document per write would cost more with each write. Retries on a lost race.
    @discardableResult
    public func write(_ changes: [String: [UInt8]?], message: String) throws(StoreError) -> OID {
        var edits: [[Substring]: [UInt8]?] = [:]
        for (path, bytes) in changes { edits[path.split(separator: "/")] = bytes }
        let published = try publish { base throws(StoreError) in
            try git { () throws(GitError) in
                let baseTree = try base.map { oid throws(GitError) in try repository.commit(oid).tree }
                if let edited = try edit(baseTree, edits) { return (edited, message) }
                return (try repository.writeTree([]), message)
            }
        }
        return published!
    }

    /// `tree` with the edits (paths relative to it) applied; nil when the result is empty.
    private func edit(_ tree: OID?, _ edits: [[Substring]: [UInt8]?]) throws(GitError) -> OID? {
        var entries: [String: TreeEntry] = [:]
        if let tree { for entry in try repository.treeEntries(tree) { entries[entry.name] = entry } }
        var nested: [String: [[Substring]: [UInt8]?]] = [:]
        for (components, bytes) in edits {
            guard let first = components.first else { continue }
            if components.count == 1 {
                entries[String(first)] = try bytes.map { bytes throws(GitError) in
                    TreeEntry(name: String(first), oid: try repository.writeBlob(bytes), kind: .blob)
                }
            } else {
                nested[String(first), default: [:]][Array(components.dropFirst())] = bytes
            }
        }
        for (folder, inner) in nested {
            let existing = entries[folder].flatMap { $0.kind == .tree ? $0.oid : nil }
            entries[folder] = try edit(existing, inner).map { TreeEntry(name: folder, oid: $0, kind: .tree) }
        }
        guard !entries.isEmpty else { return nil }
        return try repository.writeTree(Array(entries.values))
    }

    /// The chain's commits, newest first: its audit trail.
    public func history(limit: Int = .max) throws(StoreError) -> [Commit] {
        guard let head = try head() else { return [] }
        return try git { () throws(GitError) in try repository.history(from: head, limit: limit) }
    }
}
