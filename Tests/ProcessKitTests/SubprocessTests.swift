#if canImport(Glibc)
import Glibc
#endif
import ProcessKit
import Testing

/// `Subprocess.run` against real child processes.
@Suite struct SubprocessTests {
    @Test func standardInputIsFedAndEchoedBack() throws {
        let input = Array((0..<200_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let result = try Subprocess.run("cat", [], input: input)
        #expect(result.status == 0)
        #expect(result.stdout == input)
        #expect(result.stderr.isEmpty)
    }

    /// A child that writes a megabyte to stderr before it reads any input, then echoes a megabyte
    /// of input to stdout: writing all input first, or reading one stream to its end before the
    /// other, blocks both sides on full pipes (`timeout` then ends the child, and the output falls
    /// short).
    @Test func largeInputAndBothLargeOutputsDoNotDeadlock() throws {
        let megabyte = 1 << 20
        let input = [UInt8](repeating: UInt8(ascii: "i"), count: megabyte)
        let script = #"head -c 1048576 /dev/zero | tr '\0' e >&2; cat"#
        let result = try Subprocess.run("timeout", ["30", "sh", "-c", script], input: input)
        #expect(result.status == 0)
        #expect(result.stdout.count == megabyte)
        #expect(result.stdout == input)
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
        #expect(try Subprocess.run("sh", ["-c", "kill -TERM $$"]).status == 128 + SIGTERM)
        #expect(try Subprocess.run("sh", ["-c", "kill -KILL $$"]).status == 128 + SIGKILL)
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
