import Foundation
import OrchModel
import ProcessKit

/// Runs the project's test command on a checkout, retrying a failure as the flaky-test policy says.
struct TestCommandRunner {
    let command: String
    let retries: Int
    let logTailBytes: Int
    var timeoutSeconds = 0

    struct Outcome {
        var attempts: [QueueTestRecord.Attempt]
        var logTail: String
        var passed: Bool { attempts.last?.exitStatus == 0 }
    }

    /// The configured command string is the only text given to `/bin/sh -c`; branch names and
    /// other queue data never enter it. git is pointed at the scratch checkout, so a test that
    /// runs git sees the candidate, whatever GIT_DIR the queue itself was started with.
    func run(in worktree: ScratchWorktree, environment extra: [String: String] = [:]) -> Outcome {
        var attempts: [QueueTestRecord.Attempt] = []
        var tail = ""
        for _ in 0...retries {
            let start = Date()
            let environment = extra.merging(["GIT_DIR": worktree.gitDirectory, "GIT_WORK_TREE": worktree.path, "GIT_ORCH_QUEUE_TEST": "1"]) { $1 }
            let status: Int32
            do {
                // A time limit goes through coreutils' timeout, which stops the command and exits 124.
                let shell = ["/bin/sh", "-c", command]
                let limited = timeoutSeconds > 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/timeout")
                let result = limited
                    ? try Subprocess.run("/usr/bin/timeout", ["--kill-after=10", String(timeoutSeconds)] + shell, in: worktree.path, environment: environment)
                    : try Subprocess.run(shell[0], Array(shell.dropFirst()), in: worktree.path, environment: environment)
                status = result.status
                tail = Self.tail(result.output + result.errorOutput, bytes: logTailBytes)
            } catch {
                status = 127
                tail = error.description
            }
            attempts.append(.init(exitStatus: status, durationSeconds: Date().timeIntervalSince(start)))
            if status == 0 { break }
        }
        return Outcome(attempts: attempts, logTail: tail)
    }

    static func tail(_ text: String, bytes: Int) -> String {
        let utf8 = Array(text.utf8)
        guard utf8.count > bytes else { return text }
        var start = utf8.count - bytes
        while start < utf8.count && (utf8[start] & 0xC0) == 0x80 { start += 1 }  // not inside a character
        return String(decoding: utf8[start...], as: UTF8.self)
    }
}
