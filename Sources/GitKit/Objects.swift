import CLibgit2

/// One entry of a tree.
public struct TreeEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case blob, executable, tree, link, commit
    }
    public var name: String
    public var oid: OID
    public var kind: Kind

    public init(name: String, oid: OID, kind: Kind) {
        self.name = name
        self.oid = oid
        self.kind = kind
    }

    var fileMode: git_filemode_t {
        switch kind {
        case .blob: GIT_FILEMODE_BLOB
        case .executable: GIT_FILEMODE_BLOB_EXECUTABLE
        case .tree: GIT_FILEMODE_TREE
        case .link: GIT_FILEMODE_LINK
        case .commit: GIT_FILEMODE_COMMIT
        }
    }

    init(fileMode: git_filemode_t, name: String, oid: OID) {
        self.name = name
        self.oid = oid
        switch fileMode {
        case GIT_FILEMODE_TREE: kind = .tree
        case GIT_FILEMODE_BLOB_EXECUTABLE: kind = .executable
        case GIT_FILEMODE_LINK: kind = .link
        case GIT_FILEMODE_COMMIT: kind = .commit
        default: kind = .blob
        }
    }
}

/// A commit, copied out of libgit2.
public struct Commit: Sendable, Equatable {
    public var oid: OID
    public var tree: OID
    public var parents: [OID]
    public var message: String
    public var author: Signature
    /// Seconds since the epoch of the commit's committer time.
    public var time: Int64
}

extension Repository {
    // MARK: Blobs

    /// The content of a blob.
    public func blob(_ oid: OID) throws(GitError) -> [UInt8] {
        var raw = oid.raw
        var blob: OpaquePointer?
        try check(git_blob_lookup(&blob, handle, &raw), "git_blob_lookup")
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let content = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: content, count: size))
    }

    /// Stores `bytes` as a blob and returns its id.
    public func writeBlob(_ bytes: [UInt8]) throws(GitError) -> OID {
        try objectWriter().write(bytes, type: GIT_OBJECT_BLOB)
    }

    // MARK: Trees

    /// The entries of a tree, in git's order.
    public func treeEntries(_ oid: OID) throws(GitError) -> [TreeEntry] {
        var raw = oid.raw
        var tree: OpaquePointer?
        try check(git_tree_lookup(&tree, handle, &raw), "git_tree_lookup")
        defer { git_tree_free(tree) }
        let count = git_tree_entrycount(tree)
        var entries: [TreeEntry] = []
        entries.reserveCapacity(count)
        for index in 0..<count {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            entries.append(TreeEntry(
                fileMode: git_tree_entry_filemode(entry),
                name: String(cString: git_tree_entry_name(entry)),
                oid: OID(git_tree_entry_id(entry).pointee)))
        }
        return entries
    }

    /// The entry at a slash-separated `path` below `tree`, nil when there is none.
    public func treeEntry(at path: String, in tree: OID) throws(GitError) -> TreeEntry? {
        var raw = tree.raw
        var treeHandle: OpaquePointer?
        try check(git_tree_lookup(&treeHandle, handle, &raw), "git_tree_lookup")
        defer { git_tree_free(treeHandle) }
        var entry: OpaquePointer?
        let result = git_tree_entry_bypath(&entry, treeHandle, path)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "git_tree_entry_bypath")
        defer { git_tree_entry_free(entry) }
        return TreeEntry(
            fileMode: git_tree_entry_filemode(entry),
            name: String(cString: git_tree_entry_name(entry)),
            oid: OID(git_tree_entry_id(entry).pointee))
    }

    /// Writes a tree holding exactly `entries` (names must be unique).
    public func writeTree(_ entries: [TreeEntry]) throws(GitError) -> OID {
        try objectWriter().write(try LooseObjectWriter.treeBytes(entries), type: GIT_OBJECT_TREE)
    }

    /// Writes a tree of nested paths: `["a/b.json": blob]` makes tree `a` holding `b.json`.
    public func writeTree(paths: [String: OID]) throws(GitError) -> OID {
        var files: [TreeEntry] = []
        var folders: [String: [String: OID]] = [:]
        for (path, oid) in paths {
            if let slash = path.firstIndex(of: "/") {
                let folder = String(path[..<slash])
                folders[folder, default: [:]][String(path[path.index(after: slash)...])] = oid
            } else {
                files.append(TreeEntry(name: path, oid: oid, kind: .blob))
            }
        }
        for (folder, children) in folders {
            files.append(TreeEntry(name: folder, oid: try writeTree(paths: children), kind: .tree))
        }
        return try writeTree(files)
    }

    // MARK: Commits

    /// Reads a commit.
    public func commit(_ oid: OID) throws(GitError) -> Commit {
        var raw = oid.raw
        var commit: OpaquePointer?
        try check(git_commit_lookup(&commit, handle, &raw), "git_commit_lookup")
        defer { git_commit_free(commit) }
        var parents: [OID] = []
        for index in 0..<git_commit_parentcount(commit) {
            if let parent = git_commit_parent_id(commit, index) { parents.append(OID(parent.pointee)) }
        }
        let author = git_commit_author(commit)!.pointee
        return Commit(
            oid: oid,
            tree: OID(git_commit_tree_id(commit).pointee),
            parents: parents,
            message: git_commit_message(commit).map { String(cString: $0) } ?? "",
            author: Signature(name: String(cString: author.name), email: String(cString: author.email)),
            time: Int64(git_commit_time(commit)))
    }

    /// Writes a commit object without moving any ref; publish it with `compareAndSwapReference`.
    public func createCommit(tree: OID, parents: [OID], message: String) throws(GitError) -> OID {
        var treeRaw = tree.raw
        var treeHandle: OpaquePointer?
        try check(git_tree_lookup(&treeHandle, handle, &treeRaw), "git_tree_lookup")
        defer { git_tree_free(treeHandle) }
        var parentHandles: [OpaquePointer?] = []
        defer { parentHandles.forEach { git_commit_free($0) } }
        for parent in parents {
            var raw = parent.raw
            var commit: OpaquePointer?
            try check(git_commit_lookup(&commit, handle, &raw), "git_commit_lookup")
            parentHandles.append(commit)
        }
        let author = try signature().makeRaw()
        defer { git_signature_free(author) }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        let result = parentHandles.withUnsafeMutableBufferPointer { parents in
            parents.withMemoryRebound(to: OpaquePointer?.self) { rebound in
                git_commit_create_buffer(
                    &buffer, handle, author, author, "UTF-8", message, treeHandle,
                    rebound.count, rebound.baseAddress)
            }
        }
        try check(result, "git_commit_create_buffer")
        let writer = try objectWriter()
        return try writer.write(UnsafeRawBufferPointer(start: buffer.ptr, count: buffer.size), type: GIT_OBJECT_COMMIT)
    }

    /// Commits reachable from `start`, newest first (topological, then time), at most `limit`.
    public func history(from start: OID, limit: Int = .max) throws(GitError) -> [Commit] {
        var walker: OpaquePointer?
        try check(git_revwalk_new(&walker, handle), "git_revwalk_new")
        defer { git_revwalk_free(walker) }
        try check(git_revwalk_sorting(walker, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_TIME.rawValue), "git_revwalk_sorting")
        var raw = start.raw
        try check(git_revwalk_push(walker, &raw), "git_revwalk_push")
        var commits: [Commit] = []
        var next = git_oid()
        while commits.count < limit {
            let result = git_revwalk_next(&next, walker)
            if result == GIT_ITEROVER.rawValue { break }
            try check(result, "git_revwalk_next")
            commits.append(try commit(OID(next)))
        }
        return commits
    }

    /// Whether an object with this id is stored.
    public func contains(_ oid: OID) -> Bool {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, handle) == 0 else { return false }
        defer { git_odb_free(odb) }
        var raw = oid.raw
        return git_odb_exists(odb, &raw) == 1
    }
}

extension Repository {
    /// The best common ancestor of two commits, nil when they share no history.
    public func mergeBase(_ one: OID, _ two: OID) throws(GitError) -> OID? {
        var out = git_oid()
        var a = one.raw, b = two.raw
        let result = git_merge_base(&out, handle, &a, &b)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "git_merge_base")
        return OID(out)
    }

    /// Whether `ancestor` is reachable from `descendant` (or the same commit).
    public func isAncestor(_ ancestor: OID, of descendant: OID) throws(GitError) -> Bool {
        if ancestor == descendant { return true }
        var a = descendant.raw, b = ancestor.raw
        let result = git_graph_descendant_of(handle, &a, &b)
        try check(result, "git_graph_descendant_of")
        return result == 1
    }
}
