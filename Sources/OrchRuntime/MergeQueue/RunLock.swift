#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One queue runner per repository: an exclusive `flock` on `.git/orch/queue/run.lock`, released
/// when the process ends (even by a crash), so a stale lock never blocks the next run.
final class RunLock {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    static func acquire(in folder: String) throws(MergeQueueError) -> RunLock {
        // A folder that cannot be made makes the open below fail, saying why.
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/run.lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .scratchWorktree("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw .busy(path)
        }
        return RunLock(descriptor: descriptor)
    }
}
