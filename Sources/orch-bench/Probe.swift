import Foundation
import GitKit
import OrchModel
import OrchStore

enum Probe {
    static func run() throws {
        let repo = try ScratchRepository()
        let store = try repo.store()
        _ = try populate(store, count: 1000)
        let git = try Repository.open(at: repo.path)
        let n = 300
        let blob = try seconds { for i in 0..<n { _ = try git.writeBlob(Array("blob \(i)".utf8)) } }
        let head = try git.referenceTarget("refs/orch/graph")!
        let commit = try git.commit(head)
        let tasksTree = try git.treeEntry(at: "tasks", in: commit.tree)!.oid
        let entries = try git.treeEntries(tasksTree)
        let read = try seconds { for _ in 0..<n { _ = try git.treeEntries(tasksTree) } }
        let tree = try seconds { for i in 0..<n { var e = entries; e[i % e.count] = TreeEntry(name: e[i % e.count].name, oid: try git.writeBlob(Array("\(i)".utf8)), kind: .blob); _ = try git.writeTree(e) } }
        var parent = head
        let commitTime = try seconds { for _ in 0..<n { parent = try git.createCommit(tree: commit.tree, parents: [parent], message: "x") } }
        var current = head
        var commits: [OID] = []
        for _ in 0..<n { let c = try git.createCommit(tree: commit.tree, parents: [current], message: "y"); commits.append(c); current = c }
        var expected = try git.referenceTarget("refs/orch/graph")!
        let cas = try seconds { for c in commits { _ = try git.compareAndSwapReference("refs/orch/graph", to: c, expecting: expected, message: "m"); expected = c } }
        let snap = try seconds { for _ in 0..<n { _ = try store.snapshot() } }
        let head2 = try seconds { for _ in 0..<n { _ = try store.headCommit() } }
        let outcome = try seconds { let s = try store.snapshot(); for _ in 0..<n { _ = try GraphOperation.claim(nil, worker: "w", role: nil).outcome(on: s.graph, at: store.clock()) } }
        print("per op: blob \(milliseconds(blob/Double(n))) readTree256 \(milliseconds(read/Double(n))) writeTree256 \(milliseconds(tree/Double(n))) commit \(milliseconds(commitTime/Double(n))) cas \(milliseconds(cas/Double(n))) snapshot \(milliseconds(snap/Double(n))) head \(milliseconds(head2/Double(n))) outcome \(milliseconds(outcome/Double(n)))")
    }
}

enum ProbeClaims {
    static func run() throws {
        let repo = try ScratchRepository()
        let store = try repo.store()
        _ = try populate(store, count: 1000)
        FileHandle.standardError.write(Data("START\n".utf8))
        let t = try seconds { for i in 0..<300 { try store.apply(.claim(nil, worker: "w\(i % 4)", role: nil)) } }
        FileHandle.standardError.write(Data("END \(t)\n".utf8))
    }
}
