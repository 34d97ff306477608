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
