import Foundation
import OrchTestSupport
import Testing

@Suite(.serialized) struct DemoTests {
    @Test func theDemoRunsTheWholeSystemToItsSummary() throws {
        let folder = TemporaryDirectory("git-orch-demo")
        let agents = try FakeAgents() // only for its PATH with the built binaries
        let target = folder.path + "/demo"
        let result = try Run.orch(["demo", target], in: folder.path, environment: agents.environment)
        #expect(result.status == 0, "\(result.stdout.suffix(3000))\(result.stderr)")
        // The breaking task fails; the conflicting pair is redone on the new main (three tries
        // make a third collision of the same pair very unlikely, but it would be reported, not lost).
        #expect(result.stdout.range(of: #"tasks: 1[01] done, [12] failed, 0 not done \(of 12\)"#, options: .regularExpression) != nil,
                "\(result.stdout.suffix(3000))")
        #expect(result.stdout.contains("failed: Make words faster (breaks a test): rejected by the merge queue"))
        #expect(result.stdout.contains("made-up figures"))
        #expect(result.stdout.range(of: #"dashboard: http://127\.0\.0\.1:\d+/\?token=[0-9a-f]+"#, options: .regularExpression) != nil)
        // The demo's checkout of main followed every merge by itself: nothing to reset, nothing to report.
        #expect(try Run.process("/usr/bin/git", ["status", "--porcelain"], in: target).stdout == "")
        // Main's own tests pass on what the queue merged, and every merge carries a passing note.
        let tests = try Run.process("/bin/sh", ["tests/run.sh"], in: target)
        #expect(tests.status == 0)
        #expect(tests.stdout.contains("9 passed, 0 failed"), "\(tests.stdout)")
        let merges = try Run.git(["rev-list", "--first-parent", "main", "^main~\(try mergeCount(target))"], in: target).split(separator: "\n")
        #expect(merges.count >= 2, "batches merge several branches at once")
        for commit in merges {
            #expect(try Run.git(["notes", "--ref=orch/tests", "show", String(commit)], in: target).contains("sh tests/run.sh"))
        }
        #expect(!(try Run.git(["log", "--format=%s", "refs/orch/handoffs"], in: target)).isEmpty, "a worker handed off")
        // A second demo into the same folder refuses, changing nothing.
        let again = try Run.orch(["demo", target], in: folder.path, environment: agents.environment)
        #expect(again.status == 128 && again.stderr.contains("exists and is not empty"))
        #expect(processes(under: target).isEmpty)
    }

    private func mergeCount(_ path: String) throws -> Int {
        Int(try Run.git(["rev-list", "--first-parent", "--count", "main"], in: path))! - 1
    }
}
