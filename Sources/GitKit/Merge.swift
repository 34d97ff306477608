import CLibgit2

/// The outcome of merging two commits in memory.
public enum MergeOutcome: Sendable, Equatable {
    /// The merge is clean; its tree is written to the object database (no ref moves, no checkout).
    case clean(tree: OID)
    /// The merge stopped on conflicts in these paths (sorted, unique).
    case conflicts([String])
}

/// The index libgit2 produces for an in-memory merge. Owns the `git_index` and frees it.
public final class MergeIndex {
    private let handle: OpaquePointer
    private let repository: Repository

    init(handle: OpaquePointer, repository: Repository) {
        self.handle = handle
        self.repository = repository
    }

    deinit { git_index_free(handle) }

    /// Whether any path has conflict entries (stages 1-3).
    public var hasConflicts: Bool { git_index_has_conflicts(handle) != 0 }

    /// The paths with conflicts, sorted and unique (a path can appear on either side of a rename).
    public func conflictingPaths() throws(GitError) -> [String] {
        var iterator: OpaquePointer?
        try check(git_index_conflict_iterator_new(&iterator, handle), "git_index_conflict_iterator_new")
        defer { git_index_conflict_iterator_free(iterator) }
        var paths = Set<String>()
        while true {
            var ancestor: UnsafePointer<git_index_entry>?
            var ours: UnsafePointer<git_index_entry>?
            var theirs: UnsafePointer<git_index_entry>?
            let result = git_index_conflict_next(&ancestor, &ours, &theirs, iterator)
            if result == GIT_ITEROVER.rawValue { break }
            try check(result, "git_index_conflict_next")
            for entry in [ancestor, ours, theirs] {
                if let entry, let path = entry.pointee.path { paths.insert(String(cString: path)) }
            }
        }
        return paths.sorted()
    }

    /// Writes the merged index as a tree in the repository (fails while conflicts remain).
    public func writeTree() throws(GitError) -> OID {
        var oid = git_oid()
        try check(git_index_write_tree_to(&oid, handle, repository.handle), "git_index_write_tree_to")
        return OID(oid)
    }
}

extension Repository {
    /// Merges `theirs` into `ours` in memory (`git_merge_commits`): the work tree, the index
    /// file and every ref stay as they are. Rename detection is libgit2's default.
    public func mergeIndex(ours: OID, theirs: OID) throws(GitError) -> MergeIndex {
        var oursRaw = ours.raw, theirsRaw = theirs.raw
        var oursCommit: OpaquePointer?, theirsCommit: OpaquePointer?
        try check(git_commit_lookup(&oursCommit, handle, &oursRaw), "git_commit_lookup")
        defer { git_commit_free(oursCommit) }
        try check(git_commit_lookup(&theirsCommit, handle, &theirsRaw), "git_commit_lookup")
        defer { git_commit_free(theirsCommit) }
        var index: OpaquePointer?
        try check(git_merge_commits(&index, handle, oursCommit, theirsCommit, nil), "git_merge_commits")
        return MergeIndex(handle: index!, repository: self)
    }

    /// Merges two commits in memory and says whether it is clean (with the tree) or which paths conflict.
    public func merge(ours: OID, theirs: OID) throws(GitError) -> MergeOutcome {
        let index = try mergeIndex(ours: ours, theirs: theirs)
        if index.hasConflicts { return .conflicts(try index.conflictingPaths()) }
        return .clean(tree: try index.writeTree())
    }
}
