#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// One supervisor per repository: an exclusive flock on `.git/orch/run/supervisor.lock`, held for
/// the supervisor's life and released by the kernel however it ends (even `kill -9`). The file
/// holds the pid, for the message a second `start` prints.
public final class SupervisorLock {
    private let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    static func acquire(_ paths: RuntimePaths) throws(RuntimeError) -> SupervisorLock {
        try FileManager.default.createDirectory(atPath: paths.run, withIntermediateDirectories: true)
        let fd = open(paths.supervisorLock, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(paths.supervisorLock, String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw .alreadyRunning(pid: runningPID(paths) ?? 0)
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return SupervisorLock(fd: fd)
    }

    /// The running supervisor's pid, or nil when none holds the lock.
    public static func runningPID(_ paths: RuntimePaths) -> Int32? {
        let fd = open(paths.supervisorLock, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
