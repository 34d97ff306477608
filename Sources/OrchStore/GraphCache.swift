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
///
/// Layout (format 4): header, task records, corrupt entries, the ready list (offsets of the ready
/// tasks' records in claim order), the offsets of those two sections, and a checksum. The ready
/// list lets `git orch ready` decode only the ready tasks (a tenth of a large graph), not all.
struct GraphCache {
    static let magic = Array("git-orch graph cache 4\n".utf8)
    let path: String

    init(repository: Repository) {
        path = repository.commonDirectory + "/orch/cache/graph.bin"
    }

    /// The whole snapshot, or nil when there is no cache or it is not one we can believe (it is
    /// then rebuilt from git: a disposable copy's damage loses nothing).
    func read() -> GraphSnapshot? {
        guard let bytes = verifiedBytes() else { return nil }
        var reader = ByteReader(bytes)
        return try? decode(&reader)
    }

    /// The ready tasks in claim order and the corrupt entries, when the cache describes `commit`;
    /// only the ready tasks' records are decoded.
    func readReady(at commit: OID) -> (tasks: [Task], corrupt: [CorruptEntry])? {
        guard let bytes = verifiedBytes() else { return nil }
        var reader = ByteReader(bytes)
        return (try? decodeReady(&reader, commit: commit)) ?? nil
    }

    /// The file without its last 8 bytes, when they are its checksum (a damaged file is not believed).
    private func verifiedBytes() -> [UInt8]? {
        guard var bytes = LocalFiles.read(path), bytes.count >= 8 else { return nil }
        let stored = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self) }
        bytes.removeLast(8)
        return UInt64(littleEndian: stored) == Self.checksum(bytes) ? bytes : nil
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
        var recordOffsets: [TaskID: Int] = [:]
        recordOffsets.reserveCapacity(snapshot.graph.count)
        for id in snapshot.graph.sortedIDs {
            let task = snapshot.graph[id]!
            recordOffsets[id] = writer.bytes.count
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
        let corruptOffset = writer.bytes.count
        writer.u32(UInt32(snapshot.corrupt.count))
        for entry in snapshot.corrupt {
            writer.string(entry.path)
            writer.string(entry.reason)
            if let id = entry.id { writer.u8(1); writer.u64(id.value) } else { writer.u8(0) }
        }
        let readyOffset = writer.bytes.count
        let ready = snapshot.graph.readyTasks()
        writer.u32(UInt32(ready.count))
        for task in ready { writer.u64(UInt64(recordOffsets[task.id]!)) }
        writer.u64(UInt64(corruptOffset))
        writer.u64(UInt64(readyOffset))
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

    private func decode(_ reader: inout ByteReader) throws(ByteReader.Truncated) -> GraphSnapshot {
        let commit = try decodeHeader(&reader)
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
            let (blob, task) = try decodeRecord(&reader)
            // A task twice: not a cache we wrote.
            guard tasks.updateValue(task, forKey: task.id) == nil else { throw ByteReader.Truncated() }
            ids.append(task.id)
            blobs[task.id] = blob
        }
        let corrupt = try decodeCorrupt(&reader)
        // The ready list and the two section offsets, which `readReady` uses.
        let readyCount = try reader.count(minimumSize: 8)
        _ = try reader.take(readyCount * 8 + 16)
        guard reader.isAtEnd else { throw ByteReader.Truncated() }
        return GraphSnapshot(
            commit: commit, graph: TaskGraph(byID: tasks, ids: ids), corrupt: corrupt, rootTree: rootTree,
            tasksTree: tasksTree, metaBlob: metaBlob, format: format, buckets: buckets, blobs: blobs)
    }
}

extension GraphCache {
    private func decodeHeader(_ reader: inout ByteReader) throws(ByteReader.Truncated) -> OID {
        guard Array(try reader.take(Self.magic.count)) == Self.magic else { throw ByteReader.Truncated() }
        return try reader.oid()
    }

    private func decodeReady(_ reader: inout ByteReader, commit: OID) throws(ByteReader.Truncated) -> (tasks: [Task], corrupt: [CorruptEntry])? {
        guard try decodeHeader(&reader) == commit, reader.bytes.count >= 16 else { return nil }
        let headerEnd = reader.offset
        reader.offset = reader.bytes.count - 16
        let corruptOffset = Int(try reader.u64())
        let readyOffset = Int(try reader.u64())
        guard headerEnd <= corruptOffset, corruptOffset <= readyOffset, readyOffset <= reader.bytes.count - 16 else {
            throw ByteReader.Truncated()
        }
        reader.offset = corruptOffset
        let corrupt = try decodeCorrupt(&reader)
        guard reader.offset == readyOffset else { throw ByteReader.Truncated() }
        let count = try reader.count(minimumSize: 8)
        var offsets: [Int] = []
        offsets.reserveCapacity(count)
        for _ in 0..<count { offsets.append(Int(try reader.u64())) }
        var tasks: [Task] = []
        tasks.reserveCapacity(count)
        for offset in offsets {
            guard offset < corruptOffset else { throw ByteReader.Truncated() }
            reader.offset = offset
            tasks.append(try decodeRecord(&reader).task)
        }
        return (tasks, corrupt)
    }

    private func decodeRecord(_ reader: inout ByteReader) throws(ByteReader.Truncated) -> (blob: OID, task: Task) {
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
        return (blob, Task(
            id: id, title: title, body: body, status: status, role: role,
            priority: priority, deps: deps, assignee: assignee, attempts: attempts, labels: labels,
            files: files, failureReason: failure, created: created, updated: updated, clock: clock, epoch: epoch))
    }

    private func decodeCorrupt(_ reader: inout ByteReader) throws(ByteReader.Truncated) -> [CorruptEntry] {
        var corrupt: [CorruptEntry] = []
        for _ in 0..<(try reader.count(minimumSize: 9)) {
            let path = try reader.string()
            let reason = try reader.string()
            let hasID = try reader.u8() == 1
            let id = hasID ? TaskID(value: try reader.u64()) : nil
            corrupt.append(CorruptEntry(path: path, reason: reason, id: id))
        }
        return corrupt
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

