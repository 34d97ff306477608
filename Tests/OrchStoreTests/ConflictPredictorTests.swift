import Foundation
import GitKit
import OrchStore
import OrchTestSupport
import Testing

/// Conflict prediction on real repositories: its answers must be those of merging every pair in
/// memory (what it did before it learnt to skip disjoint pairs), and its memo must spare merges.
@Suite struct ConflictPredictorTests {
    /// A repository whose main holds a few files, one in a folder.
    private func repository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try FileManager.default.createDirectory(atPath: repo.directory.file("docs"), withIntermediateDirectories: true)
        for (path, content) in ["a.txt": "one\ntwo\nthree\nfour\nfive\n", "b.txt": "b\n", "docs/guide.md": "guide\n", "old.txt": "alpha\nbeta\ngamma\n"] {
            try content.write(toFile: repo.directory.file(path), atomically: true, encoding: .utf8)
        }
        try repo.git("add", ".")
        try repo.git("commit", "-q", "-m", "files")
        return repo
    }

    /// A branch off `base`: `shell` runs there (git mv, rm, writes), then everything is committed.
    private func branch(_ repo: TemporaryRepository, _ name: String, from base: String = "main", _ shell: String) throws {
        try repo.git("checkout", "-q", "-b", name, base)
        let result = try Run.process("/bin/sh", ["-c", shell], in: repo.path)
        #expect(result.status == 0, "\(shell): \(result.stderr)")
        try repo.git("add", "-A")
        try repo.git("commit", "-q", "--allow-empty", "-m", name)
        try repo.git("checkout", "-q", "main")
    }

    /// What prediction answered before: every pair merged in memory.
    private func mergeEveryPair(_ git: Repository, branches: [String]) throws -> [ConflictPredictor.Collision] {
        let main = try #require(try git.referenceTarget("refs/heads/main"))
        var tips: [(String, OID)] = []
        for name in branches {
            let tip = try #require(try git.referenceTarget("refs/heads/" + name))
            if try !git.isAncestor(tip, of: main) { tips.append((name, tip)) }
        }
        var collisions: [ConflictPredictor.Collision] = []
        for (name, tip) in tips {
            if case .conflicts(let paths) = try git.merge(ours: main, theirs: tip) {
                collisions.append(.init(first: "main", second: name, paths: paths))
            }
        }
        for (index, (name, tip)) in tips.enumerated() {
            for (other, otherTip) in tips[(index + 1)...] {
                if case .conflicts(let paths) = try git.merge(ours: tip, theirs: otherTip) {
                    collisions.append(.init(first: name, second: other, paths: paths))
                }
            }
        }
        return collisions
    }

    @Test func answersAsMergingEveryPairOnCollisionsRenamesAndDisjointWork() throws {
        let repo = try repository()
        try branch(repo, "orch/first-line", "sed -i 's/one/ONE/' a.txt")
        try branch(repo, "orch/first-line-too", "sed -i 's/one/uno/' a.txt")
        try branch(repo, "orch/last-line", "sed -i 's/five/FIVE/' a.txt")
        try branch(repo, "orch/other-file", "echo B >> b.txt")
        try branch(repo, "orch/rename", "git mv old.txt new.txt")
        try branch(repo, "orch/edit-renamed", "sed -i 's/beta/BETA/' old.txt")
        try branch(repo, "orch/rename-elsewhere", "git mv old.txt other.txt")
        try branch(repo, "orch/folder-to-file", "git rm -q -r docs && echo file > docs")
        try branch(repo, "orch/in-folder", "echo more >> docs/guide.md")
        try branch(repo, "orch/adds-file", "echo file > tools")
        try branch(repo, "orch/adds-folder", "mkdir tools && echo run > tools/run.sh")
        // main moves on, touching b.txt: the other-file branch now collides with main too.
        try "main's b\n".write(toFile: repo.directory.file("b.txt"), atomically: true, encoding: .utf8)
        try repo.git("commit", "-q", "-am", "main changes b")
        // A branch off the new main, and one off the old.
        try branch(repo, "orch/new-base", "echo new > fresh.txt")
        try branch(repo, "orch/old-base", from: "main~1", "echo x > b.txt")

        let git = try repo.open()
        let predictor = ConflictPredictor(repository: git)
        let report = try predictor.predict(mainBranch: "main")
        let expected = try mergeEveryPair(git, branches: try predictor.workerBranches())
        #expect(report.collisions == expected)
        let pairs = Set(report.collisions.map { [$0.first, $0.second].sorted().joined(separator: " ") })
        #expect(pairs.contains("orch/first-line orch/first-line-too"))
        #expect(pairs.contains("orch/rename orch/rename-elsewhere"))
        #expect(pairs.contains("main orch/other-file"))
        #expect(pairs.contains("orch/adds-file orch/adds-folder"))
        #expect(!pairs.contains("orch/first-line orch/last-line"))
        #expect(!pairs.contains("orch/edit-renamed orch/rename"))  // the edit follows the rename
        #expect(pairs.contains("orch/new-base orch/other-file"))  // both change b.txt: one through main
        #expect(!pairs.contains("orch/in-folder orch/new-base"))
        // Only pairs whose changed paths meet were merged: far fewer than the 78 pairs and 13 with main.
        #expect(predictor.memo.merges > 0 && predictor.memo.merges < 25)
    }

    @Test func anUnchangedPairIsNeverMergedTwice() throws {
        let repo = try repository()
        try branch(repo, "orch/left", "sed -i 's/one/ONE/' a.txt")
        try branch(repo, "orch/right", "sed -i 's/one/uno/' a.txt")
        try branch(repo, "orch/apart", "sed -i 's/five/FIVE/' a.txt")
        let git = try repo.open()
        let predictor = ConflictPredictor(repository: git)
        let first = try predictor.predict(mainBranch: "main")
        #expect(first.collisions == [.init(first: "orch/left", second: "orch/right", paths: ["a.txt"])])
        let merges = predictor.memo.merges
        #expect(merges == 3)  // the three branch pairs all touch a.txt; none meets main
        #expect(try predictor.predict(mainBranch: "main") == first)
        #expect(predictor.memo.merges == merges)

        // One branch moves: only its two pairs are merged again.
        try repo.git("checkout", "-q", "orch/apart")
        try "five more\n".write(toFile: repo.directory.file("c.txt"), atomically: true, encoding: .utf8)
        try repo.git("add", "c.txt")
        try repo.git("commit", "-q", "-m", "more")
        try repo.git("checkout", "-q", "main")
        #expect(try predictor.predict(mainBranch: "main") == first)
        #expect(predictor.memo.merges == merges + 2)
    }

    /// `git orch conflicts` keeps its memo on disk: a second process (here, a second load) merges
    /// and diffs nothing it did before, answers the same, and a branch that moves costs only its pairs.
    @Test func theMemoOnDiskSparesEveryMergeOfARepeatedRun() throws {
        let repo = try repository()
        try branch(repo, "orch/left", "sed -i 's/one/ONE/' a.txt")
        try branch(repo, "orch/right", "sed -i 's/one/uno/' a.txt")
        try branch(repo, "orch/apart", "sed -i 's/five/FIVE/' a.txt")
        try branch(repo, "orch/elsewhere", "echo B >> b.txt")
        let git = try repo.open()
        func run() throws -> (ConflictPredictor.Report, ConflictMemo) {
            let memo = ConflictMemo.load(git)
            let live = Set(try git.references(matching: "refs/heads/*").map(\.target))
            let report = try ConflictPredictor(repository: git, memo: memo).predict(mainBranch: "main", liveTips: live)
            memo.save(git)
            return (report, memo)
        }
        let (cold, coldMemo) = try run()
        #expect(cold.collisions == [.init(first: "orch/left", second: "orch/right", paths: ["a.txt"])])
        #expect(coldMemo.merges == 3 && coldMemo.diffs > 0)
        let (warm, warmMemo) = try run()
        #expect(warm == cold)
        #expect(warmMemo.merges == 0 && warmMemo.diffs == 0)

        // Asking about one branch keeps what the memo knows about the others.
        let memo = ConflictMemo.load(git)
        let live = Set(try git.references(matching: "refs/heads/*").map(\.target))
        _ = try ConflictPredictor(repository: git, memo: memo).predict(mainBranch: "main", branches: ["orch/apart"], liveTips: live)
        memo.save(git)
        #expect(try run().1.merges == 0)

        // One branch moves: only its pairs that meet another are merged again (left and apart).
        try repo.git("checkout", "-q", "orch/right")
        try "more\n".write(toFile: repo.directory.file("c.txt"), atomically: true, encoding: .utf8)
        try repo.git("add", "c.txt")
        try repo.git("commit", "-q", "-m", "more")
        try repo.git("checkout", "-q", "main")
        let (moved, movedMemo) = try run()
        #expect(moved.collisions == cold.collisions)
        #expect(movedMemo.merges == 2)
    }

    @Test func aDamagedMemoFileIsIgnoredAndRewritten() throws {
        let repo = try repository()
        try branch(repo, "orch/left", "sed -i 's/one/ONE/' a.txt")
        try branch(repo, "orch/right", "sed -i 's/one/uno/' a.txt")
        let git = try repo.open()
        let first = ConflictMemo.load(git)
        let report = try ConflictPredictor(repository: git, memo: first).predict(mainBranch: "main")
        first.save(git)
        var bytes = try #require(FileManager.default.contents(atPath: ConflictMemo.path(git)))
        bytes[bytes.count / 2] ^= 0xff
        try bytes.write(to: URL(fileURLWithPath: ConflictMemo.path(git)))
        let damaged = ConflictMemo.load(git)
        #expect(try ConflictPredictor(repository: git, memo: damaged).predict(mainBranch: "main") == report)
        #expect(damaged.merges == 1)
        damaged.save(git)
        let again = ConflictMemo.load(git)
        #expect(try ConflictPredictor(repository: git, memo: again).predict(mainBranch: "main") == report)
        #expect(again.merges == 0)
    }
}
