public import GitKit
public import OrchModel

/// A file in the graph's tree that could not be read. It is kept as it is (writes never touch it)
/// and reported by path; the rest of the graph stays usable.
public struct CorruptEntry: Sendable, Equatable {
    public var path: String
    public var reason: String
    /// The task id its file name gives, when the name is well formed.
    public var id: TaskID?
}

/// The task graph as of one commit of `refs/orch/graph`, with the git ids needed to update it
/// incrementally (only fan-out folders whose tree id changed are read again).
public struct GraphSnapshot: Sendable {
    public internal(set) var commit: OID
    public internal(set) var graph: TaskGraph
    public internal(set) var corrupt: [CorruptEntry]
    var rootTree: OID
    var tasksTree: OID?
    var metaBlob: OID?
    var format: Int
    /// Fan-out folder name (`3f`) to its tree id.
    var buckets: [String: OID]
    /// Each readable task's blob id.
    var blobs: [TaskID: OID]

    /// The corrupt entry whose file name starts with `prefix`, for `task show` of a broken task.
    public func corruptEntry(matching prefix: String) -> CorruptEntry? {
        let lowered = prefix.lowercased()
        return corrupt.first { $0.id?.hex.hasPrefix(lowered) ?? false }
    }
}

/// Reads a snapshot from git, reusing an older snapshot's unchanged parts.
struct GraphLoader {
    let repository: Repository

    func load(commit: OID, reusing base: consuming GraphSnapshot?) throws(StoreError) -> GraphSnapshot {
        let head = try git { () throws(GitError) in try repository.commit(commit) }
        if var same = base, same.rootTree == head.tree {
            same.commit = commit
            return same
        }
        let rootEntries = try git { () throws(GitError) in try repository.treeEntries(head.tree) }
        let metaBlob = rootEntries.first { $0.name == "meta.json" }?.oid
        guard let metaBlob else { throw .corruptEntry(path: "meta.json", reason: "missing from \(StateRefs.graph)") }
        var format = base?.format ?? TaskFile.formatVersion
        if metaBlob != base?.metaBlob {
            format = try TaskFile.decodeMetaFormat(try git { () throws(GitError) in try repository.blob(metaBlob) })
        }
        guard format <= TaskFile.formatVersion else {
            throw .unsupportedFormat(found: format, supported: TaskFile.formatVersion)
        }
        let tasksTree = rootEntries.first { $0.name == "tasks" && $0.kind == .tree }?.oid

        var snapshot = base ?? GraphSnapshot(
            commit: commit, graph: TaskGraph(), corrupt: [], rootTree: head.tree, tasksTree: nil,
            metaBlob: nil, format: format, buckets: [:], blobs: [:])
        snapshot.commit = commit
        snapshot.rootTree = head.tree
        snapshot.metaBlob = metaBlob
        snapshot.format = format
        if snapshot.tasksTree != tasksTree {
            try updateTasks(&snapshot, to: tasksTree)
        }
        return snapshot
    }

    private func updateTasks(_ snapshot: inout GraphSnapshot, to tasksTree: OID?) throws(StoreError) {
        var newBuckets: [String: OID] = [:]
        var strayEntries: [CorruptEntry] = []
        if let tasksTree {
            for entry in try git({ () throws(GitError) in try repository.treeEntries(tasksTree) }) {
                if entry.kind == .tree && entry.name.utf8.count == 2 {
                    newBuckets[entry.name] = entry.oid
                } else {
                    strayEntries.append(CorruptEntry(path: "tasks/\(entry.name)", reason: "unexpected entry in the task tree", id: nil))
                }
            }
        }
        let changed = Set(newBuckets.keys).union(snapshot.buckets.keys).filter { newBuckets[$0] != snapshot.buckets[$0] }
        // Ids the old snapshot held in each changed folder, to notice deletions.
        var oldIDs: [String: [TaskID]] = [:]
        if !snapshot.blobs.isEmpty {
            for id in snapshot.blobs.keys where changed.contains(id.fanOut) { oldIDs[id.fanOut, default: []].append(id) }
            for entry in snapshot.corrupt { if let id = entry.id, changed.contains(id.fanOut) { oldIDs[id.fanOut, default: []].append(id) } }
        }
        var corrupt = snapshot.corrupt.filter { entry in
            guard entry.path.hasPrefix("tasks/") else { return false }
            let parts = entry.path.split(separator: "/")
            return parts.count == 3 && !changed.contains(String(parts[1]))
        }
        corrupt.append(contentsOf: strayEntries)
        var upserts: [Task] = []
        var removals: [TaskID] = []
        for bucket in changed.sorted() {
            var present: Set<TaskID> = []
            if let bucketTree = newBuckets[bucket] {
                for entry in try git({ () throws(GitError) in try repository.treeEntries(bucketTree) }) {
                    let path = "tasks/\(bucket)/\(entry.name)"
                    guard entry.name.hasSuffix(".json"), let id = TaskID(entry.name.dropLast(5)), id.fanOut == bucket,
                          entry.kind == .blob || entry.kind == .executable
                    else {
                        corrupt.append(CorruptEntry(path: path, reason: "unexpected entry (task files are <16 hex digits>.json)", id: nil))
                        continue
                    }
                    present.insert(id)
                    if snapshot.blobs[id] == entry.oid { continue }
                    do {
                        let bytes = try git { () throws(GitError) in try repository.blob(entry.oid) }
                        let task = try TaskFile.decode(bytes, path: path)
                        guard task.id == id else { throw StoreError.corruptEntry(path: path, reason: "holds task \(task.id.hex), not \(id.hex)") }
                        upserts.append(task)
                        snapshot.blobs[id] = entry.oid
                    } catch let error as StoreError {
                        // A bad file and a missing or damaged object both spoil one task, not the graph.
                        let reason: String
                        switch error {
                        case .corruptEntry(_, let why): reason = why
                        case .git(let gitError): reason = "object \(entry.oid.hex) cannot be read (\(gitError.message))"
                        default: throw error
                        }
                        corrupt.append(CorruptEntry(path: path, reason: reason, id: id))
                        removals.append(id)
                        snapshot.blobs[id] = nil
                    } catch {
                        throw .invalidInput("\(path): \(error)")
                    }
                }
            }
            for id in oldIDs[bucket] ?? [] where !present.contains(id) {
                removals.append(id)
                snapshot.blobs[id] = nil
            }
        }
        if !removals.isEmpty { snapshot.graph.remove(removals.filter { snapshot.graph[$0] != nil }) }
        snapshot.graph.upsert(upserts)
        snapshot.corrupt = corrupt.sorted { $0.path < $1.path }
        snapshot.buckets = newBuckets
        snapshot.tasksTree = tasksTree
    }
}

/// Runs a GitKit call, wrapping its error for the store's callers.
func git<T>(_ body: () throws(GitError) -> T) throws(StoreError) -> T {
    do {
        return try body()
    } catch {
        throw .git(error)
    }
}
