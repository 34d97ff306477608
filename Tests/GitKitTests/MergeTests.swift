import Foundation
import GitKit
import OrchTestSupport
import Testing

@Suite struct MergeTests {
    /// A repository whose main has `file.txt` with three lines, and two branches off it.
    private func forked(_ left: String, _ right: String) throws -> (TemporaryRepository, OID, OID) {
        let repo = try TemporaryRepository()
        try "one\ntwo\nthree\n".write(toFile: repo.directory.file("file.txt"), atomically: true, encoding: .utf8)
        try repo.git("add", "file.txt")
        try repo.git("commit", "-q", "-m", "base")
        for (branch, content) in [("left", left), ("right", right)] {
            try repo.git("checkout", "-q", "-b", branch, "main")
            try content.write(toFile: repo.directory.file("file.txt"), atomically: true, encoding: .utf8)
            try "\(branch)\n".write(toFile: repo.directory.file("\(branch).txt"), atomically: true, encoding: .utf8)
            try repo.git("add", ".")
            try repo.git("commit", "-q", "-m", branch)
        }
        try repo.git("checkout", "-q", "main")
        let git = try repo.open()
        return (repo, try git.referenceTarget("refs/heads/left")!, try git.referenceTarget("refs/heads/right")!)
    }

    @Test func aCleanMergeWritesTheTreeAndTouchesNothingElse() throws {
        let (repo, left, right) = try forked("ONE\ntwo\nthree\n", "one\ntwo\nTHREE\n")
        let git = try repo.open()
        let mainBefore = try git.referenceTarget("refs/heads/main")
        guard case .clean(let tree) = try git.merge(ours: left, theirs: right) else {
            Issue.record("expected a clean merge")
            return
        }
        let file = try #require(try git.treeEntry(at: "file.txt", in: tree))
        #expect(String(decoding: try git.blob(file.oid), as: UTF8.self) == "ONE\ntwo\nTHREE\n")
        #expect(try git.treeEntry(at: "left.txt", in: tree) != nil)
        #expect(try git.treeEntry(at: "right.txt", in: tree) != nil)
        #expect(try git.referenceTarget("refs/heads/main") == mainBefore)
        #expect(try repo.git("status", "--porcelain") == "")
    }

    @Test func aConflictNamesThePaths() throws {
        let (repo, left, right) = try forked("one\nLEFT\nthree\n", "one\nRIGHT\nthree\n")
        let git = try repo.open()
        #expect(try git.merge(ours: left, theirs: right) == .conflicts(["file.txt"]))
        let index = try git.mergeIndex(ours: left, theirs: right)
        #expect(index.hasConflicts)
        #expect(throws: GitError.self) { try index.writeTree() }
    }

    @Test func unknownCommitsAreErrorsAndRefNamesAreChecked() throws {
        let repo = try TemporaryRepository()
        let git = try repo.open()
        let missing = OID(hex: String(repeating: "ab", count: 20))!
        #expect(throws: GitError.self) { try git.merge(ours: missing, theirs: missing) }
        #expect(Repository.isValidReferenceName("refs/heads/topic/one"))
        #expect(!Repository.isValidReferenceName("refs/heads/a..b"))
        #expect(!Repository.isValidReferenceName("refs/heads/with space"))
    }
}
