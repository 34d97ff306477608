#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import GitKit
import ProcessKit

/// `git orch conflicts` keeps its memo in `<git-common-dir>/orch/cache/conflicts.bin`, so a
/// repeated run merges nothing it merged before and diffs no tree it diffed before. Like the graph
/// cache it is disposable and local: every record is a fact about immutable commits (never stale),
/// a damaged or unknown file is ignored and rewritten, and writes are atomic (temporary file, then
/// rename), so a concurrent run costs at most a merge done twice.
extension ConflictMemo {
    static let magic = Array("git-orch conflict memo 1\n".utf8)

    public static func path(_ repository: Repository) -> String {
        repository.commonDirectory + "/orch/cache/conflicts.bin"
    }

    /// The memo saved for `repository`, or an empty one when there is none or it is unreadable.
    public static func load(_ repository: Repository) -> ConflictMemo {
        let memo = ConflictMemo()
        guard var bytes = LocalFiles.read(path(repository)), bytes.count >= magic.count + 8 else { return memo }
        let stored = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self) }
        bytes.removeLast(8)
        guard UInt64(littleEndian: stored) == GraphCache.checksum(bytes) else { return memo }
        var reader = ByteReader(bytes)
        do {
            try memo.decode(&reader)
        } catch {
            return ConflictMemo()
        }
        return memo
    }

    /// Writes the memo when it learnt or dropped anything since it was loaded.
    public func save(_ repository: Repository) {
        guard modified else { return }
        var writer = ByteWriter()
        encode(into: &writer)
        writer.u64(GraphCache.checksum(writer.bytes))
        let path = Self.path(repository)
        let directory = String(path[..<path.lastIndex(of: "/")!])
        LocalFiles.makeDirectories(directory)
        let temporary = "\(path).\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        let complete = writeAll(fd, writer.bytes)
        close(fd)
        if !complete || rename(temporary, path) != 0 { unlink(temporary) } else { modified = false }
    }

    private func encode(into writer: inout ByteWriter) {
        writer.raw(Self.magic)
        writer.u32(UInt32(pairs.count))
        for (key, paths) in pairs {
            writer.oid(key.ours)
            writer.oid(key.theirs)
            writer.strings(paths)
        }
        writer.u32(UInt32(changed.count))
        for (key, paths) in changed {
            writer.oid(key.ours)
            writer.oid(key.theirs)
            writer.strings(paths.files.sorted())
        }
        writer.u32(UInt32(merged.count))
        for (key, value) in merged {
            writer.oid(key.ours)
            writer.oid(key.theirs)
            writer.u8(value ? 1 : 0)
        }
    }

    private func decode(_ reader: inout ByteReader) throws(ByteReader.Truncated) {
        guard Array(try reader.take(Self.magic.count)) == Self.magic else { throw ByteReader.Truncated() }
        let keySize = 2 * OID.byteCount
        for _ in 0..<(try reader.count(minimumSize: keySize + 4)) {
            let key = PairKey(ours: try reader.oid(), theirs: try reader.oid())
            pairs[key] = try reader.strings()
        }
        for _ in 0..<(try reader.count(minimumSize: keySize + 4)) {
            let key = PairKey(ours: try reader.oid(), theirs: try reader.oid())
            changed[key] = ChangedPaths(try reader.strings())
        }
        for _ in 0..<(try reader.count(minimumSize: keySize + 1)) {
            let key = PairKey(ours: try reader.oid(), theirs: try reader.oid())
            merged[key] = try reader.u8() == 1
        }
        guard reader.isAtEnd else { throw ByteReader.Truncated() }
    }
}
