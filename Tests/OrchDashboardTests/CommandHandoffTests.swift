import Foundation
import OrchDashboard
import OrchTestSupport
import Testing

/// The dashboard's hand-off button runs `git orch handoff NAME` as a child: its JSON steps reach
/// the page as they come, and a failure is told by the command's own last error line.
@Suite struct CommandHandoffTests {
    final class Steps: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    /// A shell script as the command (no file: one being written while a parallel test spawns
    /// would be "text file busy"); the worker's name arrives as $1.
    func script(_ body: String) -> [String] { ["/bin/sh", "-c", body, "handoff"] }

    @Test func stepsReachTheCallerAndTheLastPlainLineEndsTheMessage() async throws {
        let directory = TemporaryDirectory("git-orch-handoff")
        let command = script("""
            echo '{"type":"handoff-step","worker":"'"$1"'","step":1}'
            echo "document written for $1"
            echo '{"type":"handoff-step","worker":"'"$1"'","step":5}'
            echo "noise on stderr" >&2
            """)
        let steps = Steps()
        let outcome = await CommandHandoff(command: command, directory: directory.path).handoff("w2") { steps.add($0) }
        #expect(outcome == HandoffOutcome(ok: true, message: "w2 handed off: document written for w2"))
        #expect(steps.all.count == 2)
        #expect(steps.all.allSatisfy { $0.contains(#""worker":"w2""#) })
    }

    @Test func aFailureIsToldByItsLastErrorLine() async throws {
        let directory = TemporaryDirectory("git-orch-handoff")
        let command = script("echo 'first problem' >&2\necho 'error: w9 is not a worker' >&2\nexit 3\n")
        let outcome = await CommandHandoff(command: command, directory: directory.path).handoff("w9") { _ in }
        #expect(outcome == HandoffOutcome(ok: false, message: "error: w9 is not a worker"))
    }

    @Test func aMissingCommandIsNamed() async throws {
        let directory = TemporaryDirectory("git-orch-handoff")
        let outcome = await CommandHandoff(command: [directory.path + "/no-such-git-orch"], directory: directory.path).handoff("w1") { _ in }
        #expect(!outcome.ok)
        #expect(outcome.message.contains("no-such-git-orch"), "\(outcome.message)")
    }
}
