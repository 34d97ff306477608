import GitKit
import OrchModel

/// Writes changed tasks onto a snapshot's tree and commits the result, without moving the ref.
struct GraphWriter {
    let repository: Repository

    /// The first commit of a graph: just `meta.json`.
    func initialCommit() throws(StoreError) -> OID {
        try git { () throws(GitError) in
            let meta = try repository.writeBlob(TaskFile.encodeMeta())
            let tree = try repository.writeTree([TreeEntry(name: "meta.json", oid: meta, kind: .blob)])
            return try repository.createCommit(tree: tree, parents: [], message: "init task graph\n\nOrch-Operation: init\n")
        }
    }

    /// Commits `changed` on top of `base` without touching `base`; the caller adopts the result
    /// into its snapshot only once the ref moved to the commit.
    func commit(_ changed: [Task], onto base: GraphSnapshot, message: String, extraParents: [OID] = []) throws(StoreError) -> GraphWrite {
        try git { () throws(GitError) in
            var next = GraphWrite(changed: changed)
            var byBucket: [String: [Task]] = [:]
            for task in changed { byBucket[task.id.fanOut, default: []].append(task) }
            for (bucket, tasks) in byBucket {
                var entries: [TreeEntry] = []
                if let tree = base.buckets[bucket] { entries = try repository.treeEntries(tree) }
                var indexByName: [String: Int] = [:]
                for (index, entry) in entries.enumerated() { indexByName[entry.name] = index }
                for task in tasks {
                    let blob = try repository.writeBlob(TaskFile.encode(task))
                    let entry = TreeEntry(name: "\(task.id.hex).json", oid: blob, kind: .blob)
                    if let index = indexByName[entry.name] { entries[index] = entry } else { entries.append(entry) }
                    next.blobs[task.id] = blob
                }
                next.buckets[bucket] = try repository.writeTree(entries)
            }
            // Rebuild the upper trees from git so entries the snapshot does not model are kept.
            var tasksEntries: [TreeEntry] = []
            if let tree = base.tasksTree { tasksEntries = try repository.treeEntries(tree) }
            tasksEntries.removeAll { byBucket[$0.name] != nil }
            for bucket in byBucket.keys { tasksEntries.append(TreeEntry(name: bucket, oid: next.buckets[bucket]!, kind: .tree)) }
            let tasksTree = try repository.writeTree(tasksEntries)
            var rootEntries = try repository.treeEntries(base.rootTree)
            rootEntries.removeAll { $0.name == "tasks" }
            rootEntries.append(TreeEntry(name: "tasks", oid: tasksTree, kind: .tree))
            if base.format < TaskFile.formatVersion {
                // An older graph is upgraded by its first write: every task written from now on
                // has the newer fields, and meta.json says so.
                let meta = try repository.writeBlob(TaskFile.encodeMeta())
                rootEntries.removeAll { $0.name == "meta.json" }
                rootEntries.append(TreeEntry(name: "meta.json", oid: meta, kind: .blob))
                next.metaBlob = meta
            }
            let rootTree = try repository.writeTree(rootEntries)
            let commit = try repository.createCommit(tree: rootTree, parents: [base.commit] + extraParents, message: message)
            next.commit = commit
            next.rootTree = rootTree
            next.tasksTree = tasksTree
            return next
        }
    }
}

/// What a write produced: enough to move a snapshot to the new commit without reading it back.
struct GraphWrite {
    var changed: [Task]
    var commit = OID(bytes: [UInt8](repeating: 0, count: OID.byteCount))!
    var rootTree = OID(bytes: [UInt8](repeating: 0, count: OID.byteCount))!
    var tasksTree: OID?
    var buckets: [String: OID] = [:]
    var blobs: [TaskID: OID] = [:]
    /// Set when the write upgraded meta.json to the current format.
    var metaBlob: OID?
}

extension GraphSnapshot {
    /// Moves this snapshot to the commit `write` made on top of it (in place, no copy of the graph).
    mutating func adopt(_ write: GraphWrite) {
        commit = write.commit
        rootTree = write.rootTree
        tasksTree = write.tasksTree
        buckets.merge(write.buckets) { $1 }
        blobs.merge(write.blobs) { $1 }
        graph.upsert(write.changed)
        if let meta = write.metaBlob {
            metaBlob = meta
            format = TaskFile.formatVersion
        }
    }
}
