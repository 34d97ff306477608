import Foundation
import GitKit
import OrchModel
import OrchRuntime
import OrchTestSupport
import Testing

/// The user's checkout of main follows the queue's merges, as git's own `updateInstead` and
/// `merge --ff-only` would: clean checkouts come along, unrelated local edits are kept, and an
/// overlapping edit holds the merge until the user deals with it.
@Suite struct CheckoutFollowTests {
    /// `git status --porcelain` of the user's checkout.
    func porcelain(_ fixture: MergeQueueFixture) throws -> String {
        // Not trimmed: the leading space of " M file" matters.
        try Run.process("/usr/bin/git", ["status", "--porcelain"], in: fixture.repo.path).stdout
    }

    @Test func aCleanCheckoutOfMainFollowsEveryMerge() throws {
        let fixture = try MergeQueueFixture()
        try fixture.branch("a", files: ["a.txt": "A\n"])
        try fixture.branch("b", files: ["b.txt": "B\n"])
        let queue = try fixture.queue(batchSize: 1)
        try queue.enqueue(branch: "a", task: nil, worker: nil)
        try queue.enqueue(branch: "b", task: nil, worker: nil)
        let report = try queue.runUntilEmpty()
        #expect(report.merged.count == 2)
        #expect(report.held == nil)
        // The files are in the checkout, the index matches main, nothing to report.
        #expect(try String(contentsOfFile: fixture.repo.directory.file("a.txt"), encoding: .utf8) == "A\n")
        #expect(try String(contentsOfFile: fixture.repo.directory.file("b.txt"), encoding: .utf8) == "B\n")
        #expect(try porcelain(fixture) == "")
        #expect(try fixture.repo.git("status").contains("nothing to commit, working tree clean"))
        #expect(try fixture.repo.git("rev-parse", "HEAD") == (try fixture.repo.git("rev-parse", "main")))
        #expect(try fixture.repo.git("diff", "--cached", "--name-only", "main") == "")
    }

    /// Candidates merged in one round move main once, straight to the last green one; each
    /// candidate below it stays in main's first-parent history, tested on its own tree.
    @Test func aRoundOfGreenCandidatesMovesMainAndTheCheckoutOnce() throws {
        let fixture = try MergeQueueFixture()
        let start = try fixture.repo.git("rev-parse", "main")
        for name in ["a", "b"] { try fixture.branch(name, files: ["\(name).txt": "\(name)\n"]) }
        let queue = try fixture.queue(batchSize: 1, parallelism: 2)
        for name in ["a", "b"] { try queue.enqueue(branch: name, task: nil, worker: nil) }
        let report = try queue.runUntilEmpty()
        #expect(report.merged.map(\.branch) == ["a", "b"])
        let history = try fixture.mainHistory(since: start)
        #expect(history.count == 2)
        for commit in history {
            #expect(try fixture.repo.git("notes", "--ref=orch/tests", "show", commit).contains("\"passed\":true"))
        }
        #expect(try porcelain(fixture) == "")
        #expect(try String(contentsOfFile: fixture.repo.directory.file("b.txt"), encoding: .utf8) == "b\n")
    }

    /// When the last green candidate of a round touches the user's edit, the ones below it still
    /// merge: the round's single move is held, then each merge is tried on its own.
    @Test func aHeldRoundStillMergesTheCandidatesBelowTheOverlap() throws {
        let fixture = try MergeQueueFixture()
        try "v1\n".write(toFile: fixture.repo.directory.file("shared.txt"), atomically: true, encoding: .utf8)
        try fixture.repo.git("add", "shared.txt")
        try fixture.repo.git("commit", "-q", "-m", "shared")
        try fixture.branch("a", files: ["a.txt": "A\n"])
        try fixture.branch("b", files: ["shared.txt": "v2\n"])
        try "my edit\n".write(toFile: fixture.repo.directory.file("shared.txt"), atomically: true, encoding: .utf8)
        let queue = try fixture.queue(batchSize: 1, parallelism: 2)
        for name in ["a", "b"] { try queue.enqueue(branch: name, task: nil, worker: nil) }
        let report = try queue.runUntilEmpty()
        #expect(report.merged.map(\.branch) == ["a"])
        #expect(report.held?.contains("with changes to shared.txt") == true, "\(report.held ?? "not held")")
        #expect(try String(contentsOfFile: fixture.repo.directory.file("a.txt"), encoding: .utf8) == "A\n")
        #expect(try porcelain(fixture) == " M shared.txt\n")
    }

    @Test func anUncommittedEditToAnotherFileIsKeptAndTheCheckoutStillFollows() throws {
        let fixture = try MergeQueueFixture()
        try "mine\n".write(toFile: fixture.repo.directory.file("notes.md"), atomically: true, encoding: .utf8)
        try fixture.repo.git("add", "notes.md")
        try fixture.repo.git("commit", "-q", "-m", "notes")
        try fixture.branch("a", files: ["a.txt": "A\n"])
        // The user's edit, not staged, and a staged new file of theirs.
        try "mine, edited\n".write(toFile: fixture.repo.directory.file("notes.md"), atomically: true, encoding: .utf8)
        try "draft\n".write(toFile: fixture.repo.directory.file("draft.md"), atomically: true, encoding: .utf8)
        try fixture.repo.git("add", "draft.md")
        let queue = try fixture.queue(batchSize: 1)
        try queue.enqueue(branch: "a", task: nil, worker: nil)
        let report = try queue.runUntilEmpty()
        #expect(report.merged.count == 1)
        #expect(try String(contentsOfFile: fixture.repo.directory.file("a.txt"), encoding: .utf8) == "A\n")
        #expect(try String(contentsOfFile: fixture.repo.directory.file("notes.md"), encoding: .utf8) == "mine, edited\n")
        // Only the user's own changes show: the team's a.txt is neither deleted nor untracked.
        #expect(try porcelain(fixture).split(separator: "\n").sorted() == [" M notes.md", "A  draft.md"])
    }

    @Test func anOverlappingEditHoldsTheMergeUntilTheUserRevertsIt() throws {
        let fixture = try MergeQueueFixture()
        try "v1\n".write(toFile: fixture.repo.directory.file("shared.txt"), atomically: true, encoding: .utf8)
        try fixture.repo.git("add", "shared.txt")
        try fixture.repo.git("commit", "-q", "-m", "shared")
        let before = try fixture.repo.git("rev-parse", "main")
        try fixture.branch("a", files: ["shared.txt": "v2 from the team\n"])
        try "v1 and my edit\n".write(toFile: fixture.repo.directory.file("shared.txt"), atomically: true, encoding: .utf8)

        let queue = try fixture.queue(batchSize: 1)
        try queue.enqueue(branch: "a", task: nil, worker: nil)
        let held = try queue.runUntilEmpty()
        #expect(held.merged.isEmpty)
        #expect(held.testRuns == 1)
        let reason = try #require(held.held)
        #expect(reason.contains("main is checked out at "))
        #expect(reason.contains("with changes to shared.txt"))
        #expect(try fixture.repo.git("rev-parse", "main") == before, "main does not move under the user's edit")
        #expect(try String(contentsOfFile: fixture.repo.directory.file("shared.txt"), encoding: .utf8) == "v1 and my edit\n")
        #expect(try porcelain(fixture) == " M shared.txt\n")
        // queue status says so, and the entry still waits.
        let status = try fixture.queue().status()
        #expect(status.held == reason)
        #expect(status.active.map(\.branch) == ["a"])
        #expect(status.active.first?.reason?.contains("with changes to shared.txt") == true)
        // Still held on the next run, without testing again.
        let again = try queue.runUntilEmpty()
        #expect(again.held != nil)
        #expect(again.testRuns == 0)

        try fixture.repo.git("checkout", "--", "shared.txt")  // the user reverts
        let resumed = try queue.runUntilEmpty()
        #expect(resumed.merged.map(\.branch) == ["a"])
        #expect(resumed.testRuns == 0, "the held candidate was tested green already")
        #expect(resumed.held == nil)
        #expect(try String(contentsOfFile: fixture.repo.directory.file("shared.txt"), encoding: .utf8) == "v2 from the team\n")
        #expect(try porcelain(fixture) == "")
        #expect(try fixture.queue().status().held == nil)
    }

    @Test func aHeldMergeGoesOnAfterTheUserCommitsElsewhereAndIsRetestedOnTheNewMain() throws {
        let fixture = try MergeQueueFixture()
        try "v1\n".write(toFile: fixture.repo.directory.file("shared.txt"), atomically: true, encoding: .utf8)
        try fixture.repo.git("add", "shared.txt")
        try fixture.repo.git("commit", "-q", "-m", "shared")
        try fixture.branch("a", files: ["shared.txt": "v2 from the team\n"])
        try "v1 and my edit\n".write(toFile: fixture.repo.directory.file("shared.txt"), atomically: true, encoding: .utf8)
        let queue = try fixture.queue(batchSize: 1)
        try queue.enqueue(branch: "a", task: nil, worker: nil)
        #expect(try queue.runUntilEmpty().held != nil)
        // The user commits an unrelated file and reverts the overlapping edit: main moved, so the
        // held candidate no longer applies; the entry is merged on the new main after a new test.
        try fixture.repo.git("checkout", "--", "shared.txt")
        try "mine\n".write(toFile: fixture.repo.directory.file("mine.txt"), atomically: true, encoding: .utf8)
        try fixture.repo.git("add", "mine.txt")
        try fixture.repo.git("commit", "-q", "-m", "my own work")
        let resumed = try queue.runUntilEmpty()
        #expect(resumed.merged.map(\.branch) == ["a"])
        #expect(resumed.testRuns == 1)
        #expect(try fixture.files().contains("mine.txt"))
        #expect(try porcelain(fixture) == "")
    }

    @Test func aCheckoutOfMainInALinkedWorktreeFollowsToo() throws {
        let fixture = try MergeQueueFixture()
        try fixture.branch("a", files: ["a.txt": "A\n"])
        // The main worktree moves off main; a linked worktree has main checked out instead.
        try fixture.repo.git("checkout", "-q", "-b", "elsewhere")
        let linked = TemporaryDirectory("git-orch-linked")
        try fixture.repo.git("worktree", "add", "-q", linked.path + "/wt", "main")
        let queue = try fixture.queue(batchSize: 1)
        try queue.enqueue(branch: "a", task: nil, worker: nil)
        #expect(try queue.runUntilEmpty().merged.count == 1)
        #expect(FileManager.default.fileExists(atPath: linked.path + "/wt/a.txt"))
        #expect(try Run.process("/usr/bin/git", ["status", "--porcelain"], in: linked.path + "/wt").stdout == "")
        #expect(!FileManager.default.fileExists(atPath: fixture.repo.directory.file("a.txt")), "the checkout on another branch is left alone")
    }
}
