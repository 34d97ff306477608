import Foundation
import GitKit
import OrchModel
import OrchRuntime
import OrchStore
import OrchTestSupport
import Testing

/// Speculative runs: several candidates tested at once, each on top of the one before.
@Suite struct MergeQueueSpeculationTests {
    @Test func greenCandidatesTestedTogetherMergeInOrder() throws {
        let fixture = try MergeQueueFixture()
        let start = try fixture.repo.git("rev-parse", "main")
        let queue = try fixture.queue(batchSize: 1, parallelism: 2)
        for index in 1...2 {
            try fixture.branch("b\(index)", files: ["f\(index).txt": "fine\n"])
            try queue.enqueue(branch: "b\(index)", task: nil, worker: nil)
        }
        let step = try queue.processNext()
        #expect(step.kind == .merged)
        #expect(step.merged.map(\.branch) == (ProcessInfo.processInfo.activeProcessorCount > 1 ? ["b1", "b2"] : ["b1"]))
        _ = try queue.runUntilEmpty()
        let history = try fixture.mainHistory(since: start)
        #expect(history.count == 2)
        for commit in history { #expect(try fixture.note(commit)?.passed == true) }
    }

    @Test func aRedCandidateSendsTheOnesBuiltOnItBack() throws {
        let fixture = try MergeQueueFixture()
        let queue = try fixture.queue(batchSize: 1, parallelism: 2)
        try fixture.branch("bad", files: ["bad.txt": "BROKEN\n"])
        try fixture.branch("good", files: ["good.txt": "fine\n"])
        try fixture.branch("clash", files: ["bad.txt": "other\n"])  // conflicts only with bad
        // clash, built on bad's speculative candidate, conflicts: it must wait, not be rejected,
        // since bad fails and clash then merges cleanly.
        for name in ["bad", "clash", "good"] { try queue.enqueue(branch: name, task: nil, worker: nil) }
        let report = try queue.runUntilEmpty()
        #expect(report.rejected.map(\.branch) == ["bad"])
        #expect(Set(report.merged.map(\.branch)) == ["good", "clash"])
        #expect(try fixture.repo.git("show", "main:bad.txt") == "other")
    }
}
