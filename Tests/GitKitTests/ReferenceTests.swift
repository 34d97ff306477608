import Foundation
import GitKit
import OrchTestSupport
import Testing

@Suite struct ReferenceTests {
    private func commits(_ git: Repository, count: Int) throws -> [OID] {
        let tree = try git.writeTree([])
        var made: [OID] = []
        for index in 0..<count {
            made.append(try git.createCommit(tree: tree, parents: made.suffix(1), message: "c\(index)"))
        }
        return made
    }

    @Test func compareAndSwapMovesOnlyFromTheExpectedValue() throws {
        let repo = try TemporaryRepository()
        let git = try repo.open()
        let c = try commits(git, count: 3)
        #expect(try git.compareAndSwapReference("refs/orch/graph", to: c[0], expecting: nil, message: "create"))
        // Create-if-absent refuses an existing ref.
        #expect(try git.compareAndSwapReference("refs/orch/graph", to: c[1], expecting: nil, message: "again") == false)
        #expect(try git.compareAndSwapReference("refs/orch/graph", to: c[1], expecting: c[0], message: "move"))
        // A stale expectation loses, and the ref stays where the winner put it.
        #expect(try git.compareAndSwapReference("refs/orch/graph", to: c[2], expecting: c[0], message: "stale") == false)
        #expect(try git.referenceTarget("refs/orch/graph") == c[1])
        #expect(try repo.git("rev-parse", "refs/orch/graph") == c[1].hex)
    }

    @Test func deleteChecksTheExpectedValue() throws {
        let repo = try TemporaryRepository()
        let git = try repo.open()
        let c = try commits(git, count: 2)
        #expect(try git.compareAndSwapReference("refs/orch/queue", to: c[1], expecting: nil, message: "create"))
        #expect(try git.deleteReference("refs/orch/queue", expecting: c[0]) == false)
        #expect(try git.referenceTarget("refs/orch/queue") == c[1])
        #expect(try git.deleteReference("refs/orch/queue", expecting: c[1]))
        #expect(try git.referenceTarget("refs/orch/queue") == nil)
        #expect(try git.deleteReference("refs/orch/queue", expecting: c[1]) == false)
    }

    @Test func globListsStateRefsIncludingPackedOnes() throws {
        let repo = try TemporaryRepository()
        let git = try repo.open()
        let c = try commits(git, count: 1)
        for name in ["refs/orch/graph", "refs/orch/workers", "refs/other/x"] {
            _ = try git.compareAndSwapReference(name, to: c[0], expecting: nil, message: "create")
        }
        try repo.git("pack-refs", "--all")
        let listed = try git.references(matching: "refs/orch/*")
        #expect(listed.map(\.name) == ["refs/orch/graph", "refs/orch/workers"])
        #expect(listed.allSatisfy { $0.target == c[0] })
        // A packed ref can still be moved by compare-and-swap.
        let next = try git.createCommit(tree: try git.writeTree([]), parents: [c[0]], message: "n")
        #expect(try git.compareAndSwapReference("refs/orch/graph", to: next, expecting: c[0], message: "m"))
        #expect(try repo.git("rev-parse", "refs/orch/graph") == next.hex)
    }

    /// A repository whose `refs/orch/graph` points at the first of two commits while a
    /// `graph.lock` file exists (as another writer, live or crashed, would leave it).
    private func graphRefHeldByALock() throws -> LockedGraph {
        let repo = try TemporaryRepository()
        let git = try repo.open()
        let c = try commits(git, count: 2)
        #expect(try git.compareAndSwapReference("refs/orch/graph", to: c[0], expecting: nil, message: "create"))
        let lock = git.commonDirectory + "/refs/orch/graph.lock"
        #expect(FileManager.default.createFile(atPath: lock, contents: Data()))
        return LockedGraph(scratch: repo, git: git, commits: c, lock: lock)
    }

    private struct LockedGraph {
        let scratch: TemporaryRepository  // keeps the temp folder until the test is done
        let git: Repository
        let commits: [OID]
        let lock: String
    }

    @Test func staleLockLeftByACrashIsRecovered() throws {
        let fixture = try graphRefHeldByALock()
        let (git, c, lock) = (fixture.git, fixture.commits, fixture.lock)
        defer { withExtendedLifetime(fixture) {} }
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -120)], ofItemAtPath: lock)
        #expect(try git.compareAndSwapReference("refs/orch/graph", to: c[1], expecting: c[0], message: "after crash"))
        #expect(FileManager.default.fileExists(atPath: lock) == false)
        #expect(try git.referenceTarget("refs/orch/graph") == c[1])
    }

    @Test func liveLockIsWaitedForThenReported() throws {
        let fixture = try graphRefHeldByALock()
        let (git, c, lock) = (fixture.git, fixture.commits, fixture.lock)
        defer { withExtendedLifetime(fixture) {} }
        // A young lock (younger than the default 10 s) belongs to a live writer: wait, then report.
        let policy = LockPolicy(timeoutSeconds: 0.3)
        do {
            _ = try git.compareAndSwapReference("refs/orch/graph", to: c[1], expecting: c[0], message: "m", lockPolicy: policy)
            Issue.record("moved a ref while its lock was held")
        } catch {
            #expect(error.isLocked)
        }
        #expect(try git.referenceTarget("refs/orch/graph") == c[0])
        // Once the holder lets go, the writer gets through.
        try FileManager.default.removeItem(atPath: lock)
        #expect(try git.compareAndSwapReference("refs/orch/graph", to: c[1], expecting: c[0], message: "m", lockPolicy: policy))
    }
}
