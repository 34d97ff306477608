import Foundation
import GitKit
import OrchTestSupport
import Testing

@Suite struct RepositoryTests {
    @Test func opensFromSubdirectoryAndFromWorktree() throws {
        let repo = try TemporaryRepository()
        try FileManager.default.createDirectory(atPath: repo.directory.file("a/b"), withIntermediateDirectories: true)
        let fromSubdirectory = try Repository.discover(from: repo.directory.file("a/b"))
        #expect(fromSubdirectory.workingDirectory?.hasSuffix(URL(fileURLWithPath: repo.path).lastPathComponent) == true)

        let worktree = TemporaryDirectory("git-orch-wt")
        try repo.git("worktree", "add", "-q", "-b", "side", worktree.file("w"))
        let fromWorktree = try Repository.discover(from: worktree.file("w"))
        #expect(fromWorktree.gitDirectory != fromWorktree.commonDirectory)
        // A ref written from the worktree is seen from the main checkout: refs live in the common dir.
        let blob = try fromWorktree.writeBlob(Array("x".utf8))
        let tree = try fromWorktree.writeTree([TreeEntry(name: "x", oid: blob, kind: .blob)])
        let commit = try fromWorktree.createCommit(tree: tree, parents: [], message: "m")
        #expect(try fromWorktree.compareAndSwapReference("refs/orch/test", to: commit, expecting: nil, message: "t"))
        #expect(try repo.git("rev-parse", "refs/orch/test") == commit.hex)
    }

    @Test func errorsCarryLibgit2CodeAndMessage() throws {
        let empty = TemporaryDirectory()
        do {
            _ = try Repository.discover(from: empty.path)
            Issue.record("opened a repository in an empty temp dir")
        } catch {
            #expect(error.isNotFound)
            #expect(error.function == "git_repository_open_ext")
            #expect(error.message.contains("could not find repository"))
        }
    }

    @Test func blobsTreesAndCommitsAreReadableByGit() throws {
        let repo = try TemporaryRepository()
        let git = try repo.open()
        let content = Array("hello orch\n".utf8)
        let blob = try git.writeBlob(content)
        #expect(try git.blob(blob) == content)
        #expect(try OID.hashBlob(content) == blob)

        let tree = try git.writeTree(paths: ["tasks/ab/one.json": blob, "meta.json": blob])
        #expect(try git.treeEntry(at: "tasks/ab/one.json", in: tree)?.oid == blob)
        #expect(try git.treeEntry(at: "tasks/zz", in: tree) == nil)
        let names = try git.treeEntries(tree).map(\.name)
        #expect(names == ["meta.json", "tasks"])

        let commit = try git.createCommit(tree: tree, parents: [], message: "first\n\nbody\n")
        let child = try git.createCommit(tree: tree, parents: [commit], message: "second\n")
        let read = try git.commit(child)
        #expect(read.parents == [commit])
        #expect(read.tree == tree)
        #expect(read.message == "second\n")
        #expect(try repo.git("cat-file", "-p", "\(child.hex):tasks/ab/one.json") == "hello orch")
        #expect(try git.history(from: child).map(\.oid) == [child, commit])
        #expect(OID(hex: child.hex) == child)
        #expect(OID(hex: "xyz") == nil)
    }

    @Test func treesAreWrittenExactlyAsGitWritesThem() throws {
        let repo = try TemporaryRepository()
        let git = try repo.open()
        let blob = try git.writeBlob(Array("x\n".utf8))
        let sub = try git.writeTree([TreeEntry(name: "inner", oid: blob, kind: .blob)])
        // Git orders a folder as if its name ended in '/': "a-b" < "a.b" < "a/" < "a0".
        let entries = [
            TreeEntry(name: "a0", oid: blob, kind: .blob), TreeEntry(name: "a", oid: sub, kind: .tree),
            TreeEntry(name: "a.b", oid: blob, kind: .executable), TreeEntry(name: "a-b", oid: blob, kind: .blob),
        ]
        let ours = try git.writeTree(entries)
        let listing = "100644 blob \(blob.hex)\ta0\n040000 tree \(sub.hex)\ta\n100755 blob \(blob.hex)\ta.b\n100644 blob \(blob.hex)\ta-b\n"
        #expect(try Run.git(["mktree"], in: repo.path, input: Data(listing.utf8)) == ours.hex)
        #expect(try repo.git("ls-tree", "--name-only", ours.hex).split(separator: "\n") == ["a-b", "a.b", "a", "a0"])
        let commit = try git.createCommit(tree: ours, parents: [], message: "tree test\n")
        _ = try git.compareAndSwapReference("refs/orch/test", to: commit, expecting: nil, message: "t")
        try repo.git("fsck", "--strict", "--no-progress")
        #expect(throws: GitError.self) { try git.writeTree([TreeEntry(name: "a/b", oid: blob, kind: .blob)]) }
        #expect(throws: GitError.self) { try git.writeTree(entries + [entries[0]]) }
    }

    @Test func configRoundTrip() throws {
        let repo = try TemporaryRepository()
        let git = try repo.open()
        #expect(try git.configString("orch.testCommand") == nil)
        try git.setConfigString("orch.testCommand", "swift test")
        #expect(try repo.git("config", "orch.testCommand") == "swift test")
        #expect(try git.configString("orch.testCommand") == "swift test")
        try git.unsetConfig("orch.testCommand")
        #expect(try git.configString("orch.testCommand") == nil)
    }

    @Test func notesAttachToCommits() throws {
        let repo = try TemporaryRepository()
        let git = try repo.open()
        let head = try #require(try git.referenceTarget("HEAD"))
        #expect(try git.note(on: head, notesRef: "refs/notes/orch/tests") == nil)
        try git.setNote("passed: swift test\n", on: head, notesRef: "refs/notes/orch/tests")
        #expect(try git.note(on: head, notesRef: "refs/notes/orch/tests") == "passed: swift test\n")
        #expect(try repo.git("notes", "--ref", "refs/notes/orch/tests", "show", head.hex) == "passed: swift test")
        #expect(try git.removeNote(on: head, notesRef: "refs/notes/orch/tests"))
        #expect(try git.note(on: head, notesRef: "refs/notes/orch/tests") == nil)
    }
}
