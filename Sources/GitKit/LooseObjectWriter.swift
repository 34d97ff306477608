import CLibgit2

/// Writes objects straight to the loose object store.
///
/// `git_odb_write` first "freshens" the object and, when it is new (always, for state updates),
/// rescans the pack directory before writing: a directory listing per object, most of the cost of
/// a small state update. Writing through libgit2's own loose backend with the id computed up
/// front skips that; readers see the objects as usual. Trees are serialised here because
/// libgit2's tree builder can only write through the odb.
final class LooseObjectWriter {
    private let backend: UnsafeMutablePointer<git_odb_backend>

    init(objectsDirectory: String) throws(GitError) {
        var raw: UnsafeMutablePointer<git_odb_backend>?
        try check(git_odb_backend_loose(&raw, objectsDirectory, -1, 0, 0, 0), "git_odb_backend_loose")
        backend = raw!
    }

    deinit { backend.pointee.free(backend) }

    func write(_ bytes: UnsafeRawBufferPointer, type: git_object_t) throws(GitError) -> OID {
        var oid = git_oid()
        try check(git_odb_hash(&oid, bytes.baseAddress, bytes.count, type), "git_odb_hash")
        // An object already stored loose is not written again: a state update rewrites every
        // document of its chain, mostly unchanged, and writing one means a new file (compressed,
        // then renamed over the old one), where asking costs one stat. (One only in a pack is
        // written loose as before.)
        if let exists = backend.pointee.exists, exists(backend, &oid) == 1 { return OID(oid) }
        try check(backend.pointee.write(backend, &oid, bytes.baseAddress, bytes.count, type), "git_odb_backend.write")
        return OID(oid)
    }

    func write(_ bytes: [UInt8], type: git_object_t) throws(GitError) -> OID {
        var result: Result<OID, GitError>!
        bytes.withUnsafeBytes { buffer in result = Result { () throws(GitError) in try write(buffer, type: type) } }
        return try result.get()
    }

    /// The canonical tree object for `entries`: sorted as git sorts them (a folder compares as if
    /// its name ended in '/'), each as "<mode> <name>\0<20-byte id>".
    static func treeBytes(_ entries: [TreeEntry]) throws(GitError) -> [UInt8] {
        var keyed: [(key: [UInt8], entry: TreeEntry)] = []
        keyed.reserveCapacity(entries.count)
        for entry in entries {
            let name = Array(entry.name.utf8)
            guard !name.isEmpty, !name.contains(UInt8(ascii: "/")), !name.contains(0), entry.name != ".", entry.name != ".." else {
                throw GitError(code: GIT_EINVALID.rawValue, errorClass: 0, message: "invalid tree entry name '\(entry.name)'", function: "writeTree")
            }
            keyed.append((entry.kind == .tree ? name + [UInt8(ascii: "/")] : name, entry))
        }
        keyed.sort { $0.key.lexicographicallyPrecedes($1.key) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(entries.count * 64)
        var previous: [UInt8]? = nil
        for (key, entry) in keyed {
            if key == previous {
                throw GitError(code: GIT_EEXISTS.rawValue, errorClass: 0, message: "duplicate tree entry '\(entry.name)'", function: "writeTree")
            }
            previous = key
            bytes.append(contentsOf: entry.kind.modeText.utf8)
            bytes.append(UInt8(ascii: " "))
            bytes.append(contentsOf: entry.name.utf8)
            bytes.append(0)
            entry.oid.append(to: &bytes)
        }
        return bytes
    }
}

extension TreeEntry.Kind {
    /// The mode as git writes it in a tree object (no leading zero for folders).
    var modeText: String {
        switch self {
        case .blob: "100644"
        case .executable: "100755"
        case .tree: "40000"
        case .link: "120000"
        case .commit: "160000"
        }
    }
}
