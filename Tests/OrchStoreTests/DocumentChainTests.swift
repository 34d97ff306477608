import Foundation
import GitKit
import OrchStore
import OrchTestSupport
import Testing

@Suite struct DocumentChainTests {
    @Test func changesAreCommitsReadableWithGit() throws {
        let repo = try TemporaryRepository()
        let chain = DocumentChain(repository: try repo.open(), ref: "refs/orch/workers")
        #expect(try chain.documents().isEmpty)
        try chain.update { documents in
            documents["workers/indigo.json"] = Array("{\"name\":\"indigo\"}\n".utf8)
            return "register indigo"
        }
        let unchanged = try chain.update { _ in nil }
        #expect(unchanged == (try chain.head()))
        try chain.update { documents in
            documents["workers/rose.json"] = Array("{}\n".utf8)
            documents["workers/indigo.json"] = nil
            return "register rose, remove indigo"
        }
        #expect(try chain.documents().keys.sorted() == ["workers/rose.json"])
        #expect(try repo.git("log", "--format=%s", "refs/orch/workers") == "register rose, remove indigo\nregister indigo")
        #expect(try repo.git("show", "refs/orch/workers~1:workers/indigo.json") == "{\"name\":\"indigo\"}")
    }

    @Test func concurrentWritersLoseNoChange() throws {
        let repo = try TemporaryRepository()
        let path = repo.path
        DispatchQueue.concurrentPerform(iterations: 8) { index in
            // One repository handle per thread: libgit2 objects are not thread-safe.
            let chain = DocumentChain(repository: try! Repository.open(at: path), ref: "refs/orch/ledger")
            for round in 0..<5 {
                try! chain.update { documents in
                    documents["runs/\(index)-\(round).json"] = Array("\(round)".utf8)
                    return "record \(index)-\(round)"
                }
            }
        }
        let chain = DocumentChain(repository: try repo.open(), ref: "refs/orch/ledger")
        #expect(try chain.documents().count == 40)
        #expect(try chain.history().count == 40)
    }

    @Test func pathWritesTouchOnlyTheirPathsAndRemoveEmptyFolders() throws {
        let repo = try TemporaryRepository()
        let chain = DocumentChain(repository: try repo.open(), ref: "refs/orch/ledger")
        try chain.write(["runs/a/1.json": Array("1".utf8), "runs/b/1.json": Array("2".utf8), "top.json": Array("t".utf8)], message: "first")
        try chain.write(["runs/a/2.json": Array("3".utf8), "runs/b/1.json": nil], message: "second")
        #expect(try chain.documents() == ["runs/a/1.json": Array("1".utf8), "runs/a/2.json": Array("3".utf8), "top.json": Array("t".utf8)])
        #expect(try repo.git("ls-tree", "--name-only", "refs/orch/ledger:runs") == "a")
        #expect(try repo.git("log", "--format=%s", "refs/orch/ledger") == "second\nfirst")
        let path = repo.path
        DispatchQueue.concurrentPerform(iterations: 6) { index in
            let chain = DocumentChain(repository: try! Repository.open(at: path), ref: "refs/orch/ledger")
            for round in 0..<5 { try! chain.write(["runs/c/\(index)-\(round).json": [1]], message: "w") }
        }
        #expect(try chain.documents().keys.filter { $0.hasPrefix("runs/c/") }.count == 30)
    }
}
