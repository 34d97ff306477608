#if canImport(Glibc)
import Glibc
#endif
import ProcessKit
import Testing

/// `ChildProcess`: a child that runs alongside the test until it is waited for or killed.
@Suite struct ChildProcessTests {
    private func sleeper() throws -> ChildProcess {
        var options = ProcessSpawner.Options()
        options.stdin = .null
        return try ChildProcess("sleep", ["30"], options)
    }

    @Test func aRunningChildHasNoStatusUntilKilled() throws {
        let child = try sleeper()
        #expect(child.isRunning)
        #expect(child.status == nil)
        #expect(child.wait(timeout: 0.05) == nil)
        #expect(child.kill() == 128 + SIGKILL)
        #expect(!child.isRunning)
        // Reaped once; asked again, the status is remembered and nothing is signalled.
        #expect(child.status == 128 + SIGKILL)
        child.terminate()
        #expect(child.wait() == 128 + SIGKILL)
    }

    @Test func terminateEndsAChildWithTheDefaultDisposition() throws {
        let child = try sleeper()
        child.terminate()
        #expect(child.wait(timeout: 10) == 128 + SIGTERM)
    }

    @Test func waitReturnsTheExitCode() throws {
        let child = try ChildProcess("sh", ["-c", "exit 5"])
        #expect(child.wait() == 5)
        #expect(child.wait(timeout: 0) == 5)
    }

    /// A blocked wait on one thread and a status poll on another: one reaps, both see the status.
    @Test func waitingAndPollingFromTwoThreadsAgree() async throws {
        let child = try ChildProcess("sh", ["-c", "sleep 0.2; exit 3"])
        async let waited = Task.detached { child.wait() }.value
        var polled: Int32?
        while polled == nil {
            polled = child.status
            try await Task.sleep(nanoseconds: 5_000_000)
        }
        #expect(await waited == 3)
        #expect(polled == 3)
    }
}
