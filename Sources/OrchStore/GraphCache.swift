#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GitKit
import OrchModel
import ProcessKit

/// A binary copy of one graph snapshot in `<git-common-dir>/orch/cache/`, so reading 100k tasks
/// does not mean parsing 100k blobs. It is disposable: it records the commit it describes, a
/// snapshot at another commit is only a starting point for an incremental read from git, and any
/// unreadable cache is ignored and rewritten.
struct GraphCache {
    static let magic = Array("git-orch graph cache 3\n".utf8)
    let path: String

    init(repository: Repository) {
        path = repository.commonDirectory + "/orch/cache/graph.bin"
    }

    func read() -> GraphSnapshot? {
        guard var bytes = LocalFiles.read(path), bytes.count >= 8 else { return nil }
        // The last 8 bytes are a checksum of the rest: a damaged file is ignored, not believed.
        let stored = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self) }
        bytes.removeLast(8)
        guard UInt64(littleEndian: stored) == Self.checksum(bytes) else { return nil }
        var reader = ByteReader(bytes)
        return try? decode(&reader)
    }

    /// A fast 64-bit checksum, eight bytes at a time (not cryptographic: it catches damage).
    static func checksum(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { raw in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(raw.count)
            var offset = 0
            while offset + 8 <= raw.count {
                hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0x0000_0100_0000_01b3
                hash ^= hash >> 29
                offset += 8
            }
            while offset < raw.count {
                hash = (hash ^ UInt64(raw[offset])) &* 0x0000_0100_0000_01b3
                offset += 1
            }
            return hash
        }
    }

    /// Writes atomically (temporary file, then rename), so concurrent readers never see half a file.
    func write(_ snapshot: GraphSnapshot) {
        var writer = ByteWriter()
        encode(snapshot, into: &writer)
        writer.u64(Self.checksum(writer.bytes))
        let directory = String(path[..<path.lastIndex(of: "/")!])
        LocalFiles.makeDirectories(directory)
        let temporary = "\(path).\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        let complete = writeAll(fd, writer.bytes)
        close(fd)
        if !complete || rename(temporary, path) != 0 { unlink(temporary) }
        LocalFiles.removeFiles(in: directory, withSuffix: ".tmp", olderThanSeconds: 60)
    }

    private func encode(_ snapshot: GraphSnapshot, into writer: inout ByteWriter) {
        writer.raw(Self.magic)
        writer.oid(snapshot.commit)
        writer.oid(snapshot.rootTree)
        writer.optionalOID(snapshot.tasksTree)
        writer.optionalOID(snapshot.metaBlob)
        writer.u32(UInt32(snapshot.format))
        writer.u32(UInt32(snapshot.buckets.count))
        for (name, oid) in snapshot.buckets { writer.string(name); writer.oid(oid) }
        writer.u32(UInt32(snapshot.graph.count))
        for id in snapshot.graph.sortedIDs {
            let task = snapshot.graph[id]!
            writer.oid(snapshot.blobs[id]!)
            writer.u64(task.id.value)
            writer.string(task.title)
            writer.string(task.body)
            writer.u8(statusCode(task.status))
            writer.optionalString(task.role)
            writer.i64(Int64(task.priority))
            writer.u32(UInt32(task.deps.count))
            for dep in task.deps { writer.u64(dep.value) }
            writer.optionalString(task.assignee)
            writer.i64(Int64(task.attempts))
            writer.strings(task.labels)
            writer.strings(task.files)
            writer.optionalString(task.failureReason)
            writer.i64(task.created.microseconds)
            writer.i64(task.updated.microseconds)
            writer.i64(Int64(task.clock))
            writer.i64(Int64(task.epoch))
        }
        writer.u32(UInt32(snapshot.corrupt.count))
        for entry in snapshot.corrupt {
            writer.string(entry.path)
            writer.string(entry.reason)
            if let id = entry.id { writer.u8(1); writer.u64(id.value) } else { writer.u8(0) }
        }
    }

    private func statusCode(_ status: TaskStatus) -> UInt8 {
        switch status {
        case .open: 0
        case .claimed: 1
        case .done: 2
        case .failed: 3
        }
    }

    private func status(code: UInt8) -> TaskStatus? {
        switch code {
        case 0: .open
        case 1: .claimed
        case 2: .done
        case 3: .failed
        default: nil
        }
    }

    private func decode(_ reader: inout ByteReader) throws -> GraphSnapshot {
        guard Array(try reader.take(Self.magic.count)) == Self.magic else { throw ByteReader.Truncated() }
        let commit = try reader.oid()
        let rootTree = try reader.oid()
        let tasksTree = try reader.optionalOID()
        let metaBlob = try reader.optionalOID()
        let format = Int(try reader.u32())
        var buckets: [String: OID] = [:]
        for _ in 0..<(try reader.count(minimumSize: 24)) { buckets[try reader.string()] = try reader.oid() }
        let count = try reader.count(minimumSize: 100)  // the smallest task record
        // Straight into the graph's dictionary: an array of tasks copied into it after would
        // double the retains and moves (a third of a warm `ready` at 100k tasks).
        var tasks: [TaskID: Task] = [:]
        var ids: [TaskID] = []
        var blobs: [TaskID: OID] = [:]
        tasks.reserveCapacity(count)
        ids.reserveCapacity(count)
        blobs.reserveCapacity(count)
        for _ in 0..<count {
            let blob = try reader.oid()
            let id = TaskID(value: try reader.u64())
            let title = try reader.string()
            let body = try reader.string()
            guard let status = status(code: try reader.u8()) else { throw ByteReader.Truncated() }
            let role = try reader.optionalString()
            let priority = Int(try reader.i64())
            var deps: [TaskID] = []
            for _ in 0..<(try reader.count(minimumSize: 8)) { deps.append(TaskID(value: try reader.u64())) }
            let assignee = try reader.optionalString()
            let attempts = Int(try reader.i64())
            let labels = try reader.strings()
            let files = try reader.strings()
            let failure = try reader.optionalString()
            let created = Timestamp(microseconds: try reader.i64())
            let updated = Timestamp(microseconds: try reader.i64())
            let clock = Int(try reader.i64())
            let epoch = Int(try reader.i64())
            guard tasks.updateValue(Task(
                id: id, title: title, body: body, status: status, role: role,
                priority: priority, deps: deps, assignee: assignee, attempts: attempts, labels: labels,
                files: files, failureReason: failure, created: created, updated: updated, clock: clock, epoch: epoch), forKey: id) == nil
            else { throw ByteReader.Truncated() }  // a task twice: not a cache we wrote
            ids.append(id)
            blobs[id] = blob
        }
        var corrupt: [CorruptEntry] = []
        for _ in 0..<(try reader.count(minimumSize: 9)) {
            let path = try reader.string()
            let reason = try reader.string()
            let hasID = try reader.u8() == 1
            let id = hasID ? TaskID(value: try reader.u64()) : nil
            corrupt.append(CorruptEntry(path: path, reason: reason, id: id))
        }
        guard reader.isAtEnd else { throw ByteReader.Truncated() }
        return GraphSnapshot(
            commit: commit, graph: TaskGraph(byID: tasks, ids: ids), corrupt: corrupt, rootTree: rootTree,
            tasksTree: tasksTree, metaBlob: metaBlob, format: format, buckets: buckets, blobs: blobs)
    }
}

extension ByteWriter {
    mutating func oid(_ oid: OID) { oid.append(to: &bytes) }
    mutating func optionalOID(_ oid: OID?) {
        if let oid { u8(1); self.oid(oid) } else { u8(0) }
    }
    mutating func strings(_ values: [String]) {
        u32(UInt32(values.count))
        for value in values { string(value) }
    }
}

extension ByteReader {
    mutating func oid() throws(Truncated) -> OID {
        guard offset + OID.byteCount <= bytes.count else { throw Truncated() }
        defer { offset += OID.byteCount }
        return bytes.withUnsafeBytes { OID(rawBytes: UnsafeRawBufferPointer(rebasing: $0[offset...])) }
    }
    mutating func optionalOID() throws(Truncated) -> OID? {
        try u8() == 1 ? try oid() : nil
    }
    mutating func strings() throws(Truncated) -> [String] {
        var values: [String] = []
        for _ in 0..<(try count(minimumSize: 4)) { values.append(try string()) }
        return values
    }
}

