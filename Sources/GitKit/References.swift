#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLibgit2

/// How reference writers wait for a `<ref>.lock` held by another process.
public struct LockPolicy: Sendable {
    /// Give up after waiting this long for a lock that is not (yet) stale.
    public var timeoutSeconds: Double
    /// A lock file older than this was left by a crashed process: ref locks are held for
    /// microseconds, so an old one has no live owner and is removed.
    public var staleAfterSeconds: Double

    public init(timeoutSeconds: Double = 15, staleAfterSeconds: Double = 10) {
        self.timeoutSeconds = timeoutSeconds
        self.staleAfterSeconds = staleAfterSeconds
    }

    public static let standard = LockPolicy()
}

extension Repository {
    /// The id a reference points to (peeling symbolic refs), nil when it does not exist.
    public func referenceTarget(_ name: String) throws(GitError) -> OID? {
        var oid = git_oid()
        let result = git_reference_name_to_id(&oid, handle, name)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "git_reference_name_to_id")
        return OID(oid)
    }

    /// Moves `name` to `new` only if it still points to `expected` (nil: only if it does not exist).
    /// Returns false when another writer got there first; waits out a live lock and clears a stale one.
    public func compareAndSwapReference(
        _ name: String, to new: OID, expecting expected: OID?, message: String,
        lockPolicy: LockPolicy = .standard
    ) throws(GitError) -> Bool {
        var newRaw = new.raw
        let function = "git_reference_create_matching"
        // "Must not exist yet" is the zero id, checked under the ref's lock. (git_reference_create
        // without force checks before taking the lock, so two creators could both succeed.)
        var expectedRaw = expected?.raw ?? git_oid()
        let result = try retryingLocked(name, policy: lockPolicy, function: function) { () -> Int32 in
            var reference: OpaquePointer?
            defer { git_reference_free(reference) }
            return git_reference_create_matching(&reference, handle, name, &newRaw, 1, &expectedRaw, message)
        }
        if result == GIT_EMODIFIED.rawValue || result == GIT_EEXISTS.rawValue { return false }
        // libgit2 reports a vanished expected ref as "not found".
        if result == GIT_ENOTFOUND.rawValue { return false }
        try check(result, function)
        return true
    }

    /// Deletes `name` only if it still points to `expected`. Returns false when it moved or is gone.
    public func deleteReference(_ name: String, expecting expected: OID, lockPolicy: LockPolicy = .standard) throws(GitError) -> Bool {
        let result = try retryingLocked(name, policy: lockPolicy, function: "git_reference_delete") { () -> Int32 in
            var reference: OpaquePointer?
            let lookup = git_reference_lookup(&reference, handle, name)
            guard lookup == 0 else { return lookup }
            defer { git_reference_free(reference) }
            guard let target = git_reference_target(reference), OID(target.pointee) == expected else {
                return GIT_EMODIFIED.rawValue
            }
            // git_reference_delete checks the old value under the lock.
            return git_reference_delete(reference)
        }
        if result == GIT_EMODIFIED.rawValue || result == GIT_ENOTFOUND.rawValue { return false }
        try check(result, "git_reference_delete")
        return true
    }

    /// References whose names match a glob such as `refs/orch/*`, sorted by name.
    public func references(matching glob: String) throws(GitError) -> [(name: String, target: OID)] {
        var iterator: OpaquePointer?
        try check(git_reference_iterator_glob_new(&iterator, handle, glob), "git_reference_iterator_glob_new")
        defer { git_reference_iterator_free(iterator) }
        var found: [(name: String, target: OID)] = []
        var namePointer: UnsafePointer<CChar>?
        while true {
            let result = git_reference_next_name(&namePointer, iterator)
            if result == GIT_ITEROVER.rawValue { break }
            try check(result, "git_reference_next_name")
            guard let namePointer else { continue }
            let name = String(cString: namePointer)
            if let target = try referenceTarget(name) { found.append((name, target)) }
        }
        return found.sorted { $0.name < $1.name }
    }

    /// Runs a ref-writing libgit2 call, retrying with backoff while another process holds the lock.
    private func retryingLocked(_ name: String, policy: LockPolicy, function: String, _ body: () -> Int32) throws(GitError) -> Int32 {
        let start = monotonicSeconds()
        var attempt = 0
        while true {
            let result = body()
            guard result == GIT_ELOCKED.rawValue else { return result }
            let error = GitError.last(code: result, function: function)
            if removeStaleLock(for: name, olderThan: policy.staleAfterSeconds) { continue }
            if monotonicSeconds() - start > policy.timeoutSeconds { throw error }
            attempt += 1
            let cap = min(50_000, 200 << min(attempt, 8))
            usleep(UInt32(Int.random(in: cap / 2...cap)))
        }
    }

    /// Removes `<ref>.lock` when it is older than `age` seconds.
    ///
    /// Recoverers take an exclusive `flock` on `<common-dir>/orch/ref-lock-recovery` and look at the
    /// lock again inside it. Without that, two recoverers could both see the old lock, one remove
    /// it, a writer take a fresh lock, and the other recoverer remove the fresh one. Writers create
    /// locks with O_EXCL, so while an old lock exists only a recoverer can make it go away.
    private func removeStaleLock(for name: String, olderThan age: Double) -> Bool {
        let path = "\(commonDirectory)/\(name).lock"
        guard lockAge(path).map({ $0 > age }) ?? false else { return false }
        let guardDirectory = commonDirectory + "/orch"
        mkdir(guardDirectory, 0o755)
        let fd = Glibc.open(guardDirectory + "/ref-lock-recovery", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { return false }
        defer { flock(fd, LOCK_UN) }
        guard lockAge(path).map({ $0 > age }) ?? false else { return false }
        return unlink(path) == 0
    }

    private func lockAge(_ path: String) -> Double? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return wallSeconds() - (Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
    }
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

func wallSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
