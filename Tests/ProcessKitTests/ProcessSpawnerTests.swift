#if canImport(Glibc)
import Glibc
#endif
import ProcessKit
import Testing

/// `ProcessSpawner.spawn` and `PseudoTerminal` against real child processes.
@Suite struct ProcessSpawnerTests {
    /// Runs `sh -c script` with its stdout on a pipe; returns what it printed and its status.
    private func shell(_ script: String, _ configure: (inout ProcessSpawner.Options) -> Void = { _ in }) throws -> (output: String, status: Int32?) {
        let pipe = try ProcessSpawner.pipe()
        var options = ProcessSpawner.Options()
        options.stdin = .null
        options.stdout = .descriptor(pipe.write)
        configure(&options)
        let pid: Int32
        do { pid = try ProcessSpawner.spawn("sh", ["-c", script], options) } catch {
            _ = close(pipe.read); _ = close(pipe.write)
            throw error
        }
        _ = close(pipe.write)
        let output = readToEnd(pipe.read)
        _ = close(pipe.read)
        return (String(decoding: output, as: UTF8.self), ProcessSpawner.wait(pid, block: true))
    }

    /// Everything until end of file, or until EIO (a terminal whose replica every process closed),
    /// or 30 seconds without anything to read (a child that never opened its end).
    private func readToEnd(_ fd: Int32) -> [UInt8] {
        var collected: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            var item = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard retryingOnEINTR({ poll(&item, 1, 30_000) }) > 0 else { return collected }
            let count = retryingOnEINTR { read(fd, &chunk, chunk.count) }
            guard count > 0 else { return collected }
            collected += chunk[0..<count]
        }
    }

    @Test func environmentAdditionsAndRemovalsReachTheChild() throws {
        _ = setenv("ORCH_TEST_INHERITED", "inherited", 1)
        _ = setenv("ORCH_TEST_REMOVED", "present", 1)
        let script = #"printf '%s|%s|%s' "$ORCH_TEST_INHERITED" "${ORCH_TEST_REMOVED-unset}" "$ORCH_TEST_ADDED""#
        let plain = try shell(script)
        #expect(plain.output == "inherited|present|")
        let changed = try shell(script) { options in
            options.environment = ["ORCH_TEST_ADDED": "added"]
            options.removeFromEnvironment = ["ORCH_TEST_REMOVED"]
        }
        #expect(changed.output == "inherited|unset|added")
        #expect(changed.status == 0)
    }

    @Test func theChildRunsInTheGivenDirectory() throws {
        let directory = try TemporaryDirectory()
        let result = try shell("pwd -P") { $0.directory = directory.path }
        #expect(result.output == directory.resolvedPath + "\n")
    }

    @Test func exitStatusAndSignalDeath() throws {
        #expect(try shell("exit 3").status == 3)
        #expect(try shell("kill -TERM $$").status == 128 + SIGTERM)
    }

    @Test func waitWithoutBlockingIsNilWhileTheChildRuns() throws {
        var options = ProcessSpawner.Options()
        options.stdin = .null
        let pid = try ProcessSpawner.spawn("sleep", ["30"], options)
        #expect(ProcessSpawner.isAlive(pid))
        #expect(ProcessSpawner.wait(pid, block: false) == nil)
        _ = kill(pid, SIGKILL)
        #expect(ProcessSpawner.wait(pid, block: true) == 128 + SIGKILL)
    }

    @Test func aMissingExecutableIsAnErrorNamingIt() {
        do {
            _ = try ProcessSpawner.spawn("/nonexistent/orch-no-such-program", [], ProcessSpawner.Options())
            Issue.record("it ran")
        } catch {
            #expect(error.code == ENOENT)
            #expect(error.description.contains("/nonexistent/orch-no-such-program"))
        }
    }

    @Test func aNewSessionIsLedByTheChild() throws {
        let result = try shell(#"ps -o sid= -p $$ | tr -d ' '; echo $$"#) { $0.newSession = true }
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first == lines.last)
    }

    @Test func aChildOnAPseudoTerminalSeesATerminal() throws {
        let terminal = try PseudoTerminal.open()
        defer { _ = close(terminal.master) }
        var options = ProcessSpawner.Options()
        options.newSession = true
        for io in [\ProcessSpawner.Options.stdin, \.stdout, \.stderr] {
            options[keyPath: io] = .path(terminal.replicaPath, flags: O_RDWR)
        }
        // The short sleep keeps the replica open while we read what was printed.
        let pid = try ProcessSpawner.spawn("sh", ["-c", "test -t 0 && test -t 1 && echo yes || echo no; sleep 0.2"], options)
        let output = String(decoding: readToEnd(terminal.master), as: UTF8.self)
        #expect(ProcessSpawner.wait(pid, block: true) == 0)
        // The terminal turns "\n" into "\r\n".
        #expect(output == "yes\r\n")
    }
}
