#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A child that runs alongside us until we wait for it, signal it or let it finish: a server, a
/// background team, a program killed midway (`Subprocess.run` is for one run to completion).
/// Reaps the child itself and remembers its status, so it never signals a pid that the system may
/// have handed to another process since.
public final class ChildProcess: Sendable {
    public let pid: Int32
    /// The exit status once reaped (as a shell reports it); nil while the child may still run.
    private let reaped = Mutex<Int32?>(nil)

    public init(_ executable: String, _ arguments: [String], _ options: ProcessSpawner.Options = .init()) throws(SpawnError) {
        pid = try ProcessSpawner.spawn(executable, arguments, options)
    }

    /// The exit status if the child has ended (reaping it), nil while it runs.
    public var status: Int32? {
        reaped.withLock { status in
            if status == nil { status = Self.reap(pid) }
            return status
        }
    }

    public var isRunning: Bool { status == nil }

    /// Waits for the child to end and returns its exit status.
    @discardableResult
    public func wait() -> Int32 {
        if let status { return status }
        // Blocks without reaping (WNOWAIT), outside the lock: the reaping itself happens under
        // it, so `send` never signals a pid freed meanwhile.
        var info = siginfo_t()
        _ = retryingOnEINTR { waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) }
        return reaped.withLock { status in
            if status == nil { status = Self.reap(pid) ?? 0 }
            return status!
        }
    }

    /// Waits at most `seconds` for the child to end: its exit status, or nil if it still runs.
    public func wait(timeout seconds: Double) -> Int32? {
        var waited = 0.0
        while waited < seconds {
            if let status { return status }
            usleep(10_000)
            waited += 0.01
        }
        return status
    }

    /// Sends `signal` to the child, unless it has already been reaped.
    public func send(_ signal: Int32) {
        reaped.withLock { status in
            if status == nil { _ = Glibc.kill(pid, signal) }
        }
    }

    /// SIGTERM: asks the child to end (a child that ignores it goes on).
    public func terminate() { send(SIGTERM) }

    /// SIGKILL, then waits: the child is gone when this returns. Its exit status.
    @discardableResult
    public func kill() -> Int32 {
        send(SIGKILL)
        return wait()
    }

    /// A child that ended is reaped here if nobody waited for it, so that none is left a zombie.
    deinit {
        reaped.withLock { status in
            if status == nil { _ = Self.reap(pid) }
        }
    }

    /// The status of an ended child, reaping it; nil while it runs. A child reaped elsewhere (a
    /// waitpid(-1) on another thread) has lost its status: it counts as 0, as in Subprocess.
    private static func reap(_ pid: Int32) -> Int32? {
        var status: Int32 = 0
        let result = retryingOnEINTR { waitpid(pid, &status, WNOHANG) }
        if result == pid { return ProcessSpawner.exitStatus(status) }
        return result < 0 ? 0 : nil
    }
}
