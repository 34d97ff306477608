#if canImport(Glibc)
import Glibc
#endif
import ProcessKit
import Testing

/// `Subprocess.run` against real child processes.
@Suite struct SubprocessTests {
    /// Tests/Fixtures, found from this file's path.
    static let fixtures: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)  // ProcessKitTests/SubprocessTests.swift
        return parts.joined(separator: "/") + "/Fixtures"
    }()

    @Test func standardInputIsFedAndEchoedBack() throws {
        // Under a pipe's capacity: a larger echo is largeInputAndBothLargeOutputsDoNotDeadlock's.
        let input = Array((0..<60_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let result = try Subprocess.run("cat", [], input: input)
        #expect(result.status == 0)
        #expect(result.stdout == input)
        #expect(result.stderr.isEmpty)
    }

    /// Tests/Fixtures/processkit/both-streams.sh writes a megabyte to stderr before it reads any
    /// input, then echoes a megabyte of input to stdout.
    @Test func largeInputAndBothLargeOutputsDoNotDeadlock() throws {
        let megabyte = 1 << 20
        let input = [UInt8](repeating: UInt8(ascii: "i"), count: megabyte)
        // Under setsid, so that the script's watchdog can end its whole session.
        let result = try Subprocess.run("setsid", ["sh", Self.fixtures + "/processkit/both-streams.sh"], input: input)
        #expect(result.status == 0)
        // Counts and contents apart: a failed == on megabytes makes the test library diff them.
        #expect(result.stdout.count == megabyte)
        #expect(result.stdout.allSatisfy { $0 == UInt8(ascii: "i") })
        #expect(result.stderr.count == megabyte)
        #expect(result.stderr.allSatisfy { $0 == UInt8(ascii: "e") })
    }

    @Test func bothStreamsAreCollectedApart() throws {
        let result = try Subprocess.run("sh", ["-c", "echo out; echo err >&2"])
        #expect(result.output == "out\n")
        #expect(result.errorOutput == "err\n")
    }

    @Test func discardedOutputLeavesStandardErrorAlone() throws {
        let result = try Subprocess.run("sh", ["-c", "echo out; echo err >&2"], discardOutput: true)
        #expect(result.stdout.isEmpty)
        #expect(result.errorOutput == "err\n")
    }

    @Test func aMissingExecutableIsAnErrorNamingIt() {
        for missing in ["/nonexistent/orch-no-such-program", "orch-no-such-program-on-path"] {
            do {
                _ = try Subprocess.run(missing, ["--version"])
                Issue.record("\(missing) ran")
            } catch {
                #expect(error.executable == missing)
                #expect(error.code == ENOENT)
                #expect(error.description.contains(missing))
            }
        }
    }

    @Test func environmentAdditionsReachTheChild() throws {
        let result = try Subprocess.run("sh", ["-c", #"printf '%s|%s' "$ORCH_TEST_ADDED" "$HOME""#], environment: ["ORCH_TEST_ADDED": "added", "HOME": "/replaced"])
        #expect(result.output == "added|/replaced")
    }

    @Test func theChildRunsInTheGivenDirectory() throws {
        let directory = try TemporaryDirectory()
        let result = try Subprocess.run("pwd", ["-P"], in: directory.path)
        #expect(result.output == directory.resolvedPath + "\n")
        let elsewhere = try Subprocess.run("pwd", ["-P"], in: "/")
        #expect(elsewhere.output == "/\n")
    }

    @Test func exitStatusAndSignalDeathAreReportedAsAShellDoes() throws {
        #expect(try Subprocess.run("sh", ["-c", "exit 7"]).status == 7)
        #expect(try Subprocess.run("true", []).status == 0)
        #expect(try Subprocess.run("sh", ["-c", "kill -KILL $$"]).status == 128 + SIGKILL)
        #expect(try Subprocess.run("sh", ["-c", "kill -TERM $$"]).status == 128 + SIGTERM)
    }

    /// A test runner may ignore SIGTERM: a child that inherited that could not be ended by it (a
    /// merge queue's `timeout 5 cmd`, a shell's `kill`). A shell cannot undo a disposition ignored
    /// at its start, so this one survives its own SIGTERM unless the spawn reset it.
    @Test func aSignalWeIgnoreIsAtItsDefaultInTheChild() throws {
        let previous = signal(SIGTERM, SIG_IGN)
        defer { signal(SIGTERM, previous) }
        let result = try Subprocess.run("sh", ["-c", "kill -TERM $$; echo survived"])
        #expect(result.status == 128 + SIGTERM)
        #expect(result.output.isEmpty)
    }

    @Test func standardInputIsNotATerminal() throws {
        let result = try Subprocess.run("sh", ["-c", "test -t 1 && echo yes || echo no"])
        #expect(result.output == "no\n")
    }
}

/// A directory under the temp folder, removed with everything in it when released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/processkit-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SpawnError(executable: "mkdtemp", code: errno) }
        path = String(cString: made)
    }

    /// With symbolic links resolved (what `pwd -P` prints).
    var resolvedPath: String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    deinit { _ = try? Subprocess.run("rm", ["-rf", path]) }
}
