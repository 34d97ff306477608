import CLibgit2

extension Repository {
    /// The paths of the files that differ between two trees: added, removed, changed, or changed
    /// kind (a file that became a folder counts with every path below it). No rename detection:
    /// a rename is its old and its new path. Subtrees with the same id on both sides are skipped
    /// without being read, so the cost follows the size of the change, not of the repository.
    /// A nil tree is the empty tree.
    public func changedPaths(from old: OID?, to new: OID?) throws(GitError) -> [String] {
        var paths: [String] = []
        try collectChanges(from: old, to: new, prefix: "", into: &paths)
        return paths
    }

    private func collectChanges(from old: OID?, to new: OID?, prefix: String, into paths: inout [String]) throws(GitError) {
        if old == new { return }
        let oldEntries = try old.map { (tree: OID) throws(GitError) in try treeEntries(tree) } ?? []
        let newEntries = try new.map { (tree: OID) throws(GitError) in try treeEntries(tree) } ?? []
        var oldByName: [String: TreeEntry] = [:]
        oldByName.reserveCapacity(oldEntries.count)
        for entry in oldEntries { oldByName[entry.name] = entry }
        for entry in newEntries {
            let before = oldByName.removeValue(forKey: entry.name)
            if let before, before.oid == entry.oid, before.kind == entry.kind { continue }
            try record(before, entry, path: prefix + entry.name, into: &paths)
        }
        for entry in oldByName.values {
            try record(entry, nil, path: prefix + entry.name, into: &paths)
        }
    }

    /// One name whose entry differs: a folder side is walked, a file side is the path itself.
    private func record(_ before: TreeEntry?, _ after: TreeEntry?, path: String, into paths: inout [String]) throws(GitError) {
        let oldTree = before.flatMap { $0.kind == .tree ? $0.oid : nil }
        let newTree = after.flatMap { $0.kind == .tree ? $0.oid : nil }
        if oldTree != nil || newTree != nil {
            try collectChanges(from: oldTree, to: newTree, prefix: path + "/", into: &paths)
        }
        if before.map({ $0.kind != .tree }) == true || after.map({ $0.kind != .tree }) == true {
            paths.append(path)
        }
    }

    /// Every best common ancestor of two commits (more than one after criss-cross merges), empty
    /// when they share no history.
    public func mergeBases(_ one: OID, _ two: OID) throws(GitError) -> [OID] {
        var out = git_oidarray()
        var a = one.raw, b = two.raw
        let result = git_merge_bases(&out, handle, &a, &b)
        if result == GIT_ENOTFOUND.rawValue { return [] }
        try check(result, "git_merge_bases")
        defer { git_oidarray_dispose(&out) }
        return (0..<out.count).map { OID(out.ids[$0]) }
    }
}
