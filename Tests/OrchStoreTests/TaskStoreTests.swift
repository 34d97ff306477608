import Foundation
import GitKit
import OrchModel
import OrchStore
import OrchTestSupport
import Testing

/// A store on `repo` with a clock that ticks one second per call.
func makeStore(_ repo: TemporaryRepository, usesCache: Bool = true) throws -> TaskStore {
    final class Ticker: @unchecked Sendable { var micros: Int64 = 1_795_000_000_000_000 }
    let ticker = Ticker()
    return TaskStore(repository: try repo.open(), clock: {
        ticker.micros += 1_000_000
        return Timestamp(microseconds: ticker.micros)
    }, usesCache: usesCache)
}

func addTask(_ store: TaskStore, _ title: String, after deps: [TaskID] = [], role: String? = nil) throws -> TaskID {
    try store.addTask(title: title, role: role, deps: deps).id
}

@Suite struct TaskStoreTests {
    @Test func everyOperationIsOneCommitNamingIt() throws {
        let repo = try TemporaryRepository()
        let store = try makeStore(repo)
        #expect(throws: StoreError.notInitialized) { try store.snapshot() }
        #expect(try store.initialize())
        #expect(try store.initialize() == false)
        let a = try addTask(store, "schema")
        let b = try addTask(store, "api", after: [a])
        try store.apply(.claim(nil, worker: "emerald", role: nil))
        try store.apply(.complete(a))

        let log = try repo.git("log", "--format=%s", "refs/orch/graph").split(separator: "\n")
        #expect(log.count == 5)
        #expect(log[0].hasPrefix("done "))
        #expect(log[1] == "claim \(a.hex.prefix(6)) by emerald")
        #expect(log.last == "init task graph")
        // The tree is plain git: task files are readable with the git CLI.
        let file = try repo.git("show", "refs/orch/graph:tasks/\(b.fanOut)/\(b.hex).json")
        #expect(file.contains("\"title\": \"api\""))
        #expect(try repo.git("show", "refs/orch/graph:meta.json").contains("\"format\": 2"))
        #expect(try store.snapshot().graph.readyTasks().map(\.id) == [b])
    }

    @Test func aStoreHoldingAnOldSnapshotWritesOnTopOfTheNewHead() throws {
        let repo = try TemporaryRepository()
        let first = try makeStore(repo)
        let second = try makeStore(repo)
        try first.initialize()
        let a = try addTask(first, "a")
        _ = try second.snapshot()  // second now holds an older head in memory
        let b = try addTask(first, "b")
        try second.apply(.claim(b, worker: "rose", role: nil))
        try first.apply(.claim(a, worker: "indigo", role: nil))
        let final = try makeStore(repo).snapshot().graph
        #expect(final[a]?.assignee == "indigo")
        #expect(final[b]?.assignee == "rose")
        // The refused operation changes nothing.
        let head = try first.headCommit()
        #expect(throws: StoreError.graph(.alreadyClaimed(id: final.describe(b), by: "rose"))) {
            try second.apply(.claim(b, worker: "amber", role: nil))
        }
        #expect(try first.headCommit() == head)
    }

    @Test func aRefMovedByPlainGitIsSeenByTheNextRead() throws {
        let repo = try TemporaryRepository()
        let store = try makeStore(repo)
        try store.initialize()
        let a = try addTask(store, "a")
        let before = try #require(try store.headCommit())
        try store.apply(.claim(a, worker: "amber", role: nil))
        #expect(try store.snapshot().graph[a]?.status == .claimed)
        // As after a fetch or a reset: the ref moves under the store and its cache.
        try repo.git("update-ref", "refs/orch/graph", before.hex)
        #expect(try store.snapshot().graph[a]?.status == .open)
        let fresh = try makeStore(repo)
        #expect(try fresh.snapshot().graph[a]?.status == .open)
    }

    /// `ready` reads only the cache's ready list: it must give what the whole graph gives, for any
    /// role, with a stale or damaged cache too.
    @Test func theCachesReadyListAgreesWithTheGraph() throws {
        let repo = try TemporaryRepository()
        let store = try makeStore(repo, usesCache: false)
        try store.initialize()
        var ids: [TaskID] = []
        for index in 0..<30 {
            // Chains of three, every other chain for backend-dev; some priorities raised.
            let deps = index % 3 == 0 ? [] : [ids[index - 1]]
            ids.append(try store.addTask(title: "task \(index)", role: (index / 3) % 2 == 0 ? "backend-dev" : nil,
                                         priority: index % 7 == 0 ? index : 0, deps: deps).id)
        }
        try store.apply(.claim(ids[3], worker: "rose", role: nil))
        try store.apply(.complete(ids[3]))
        func expectAgreement(_ label: Comment) throws {
            let graph = try makeStore(repo, usesCache: false).snapshot().graph
            for role in [nil, "backend-dev", "frontend-dev"] as [String?] {
                let fast = try makeStore(repo).readyTasks(for: role)
                #expect(fast.tasks == graph.readyTasks(for: role), label)
                #expect(fast.corrupt.isEmpty)
            }
        }
        let cachePath = try repo.open().commonDirectory + "/orch/cache/graph.bin"
        _ = try makeStore(repo).snapshot()  // writes the cache
        #expect(FileManager.default.fileExists(atPath: cachePath))
        try expectAgreement("from the cache")
        #expect(try makeStore(repo).readyTasks().tasks.map(\.id).contains(ids[4]), "task 4 became ready when 3 was done")
        // The head moved on without the cache: the cache's list is stale and not used.
        try makeStore(repo, usesCache: false).apply(.complete(ids[4]))
        let stale = try makeStore(repo).readyTasks()
        #expect(stale.tasks.map(\.id).contains(ids[5]) && !stale.tasks.map(\.id).contains(ids[4]))
        try expectAgreement("after a stale cache")
        // A damaged cache is not believed.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: cachePath))
        bytes[bytes.count / 2] ^= 0xff
        try bytes.write(to: URL(fileURLWithPath: cachePath))
        try expectAgreement("after a damaged cache")
    }

    @Test func cacheIsDisposable() throws {
        let repo = try TemporaryRepository()
        let store = try makeStore(repo)
        try store.initialize()
        let ids = try (0..<20).map { try addTask(store, "task \($0)") }
        let cachePath = try repo.open().commonDirectory + "/orch/cache/graph.bin"
        _ = try makeStore(repo).snapshot()
        #expect(FileManager.default.fileExists(atPath: cachePath))
        // A damaged cache is ignored and rebuilt from git.
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: cachePath))
        #expect(try makeStore(repo).snapshot().graph.count == 20)
        // A cache damaged inside (a flipped byte in a title) fails its checksum and is not believed.
        _ = try makeStore(repo).snapshot()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: cachePath))
        let title = try #require(bytes.range(of: Data("task 7".utf8)))
        bytes[title.lowerBound] = UInt8(ascii: "X")
        try bytes.write(to: URL(fileURLWithPath: cachePath))
        #expect(try makeStore(repo).snapshot().graph.tasks.values.contains { $0.title.hasPrefix("Xask") } == false)
        // So is a missing one.
        try FileManager.default.removeItem(atPath: cachePath)
        let rebuilt = try makeStore(repo).snapshot()
        #expect(Set(rebuilt.graph.tasks.keys) == Set(ids))
        // A cache at an older commit is updated incrementally to the head.
        let writer = try makeStore(repo, usesCache: false)
        try writer.apply(.claim(ids[3], worker: "rose", role: nil))
        let refreshed = try makeStore(repo).snapshot().graph
        var expected = try #require(rebuilt.graph[ids[3]])
        expected.assignee = "rose"
        expected.status = .claimed
        expected.attempts = 1
        expected.clock = 1
        expected.updated = try #require(refreshed[ids[3]]).updated
        #expect(refreshed[ids[3]] == expected)
        #expect(ids.filter { $0 != ids[3] }.allSatisfy { refreshed[$0] == rebuilt.graph[$0] })
    }

    @Test func aCorruptTaskFileIsReportedByPathAndLeftAlone() throws {
        let repo = try TemporaryRepository()
        let store = try makeStore(repo)
        try store.initialize()
        let good = try addTask(store, "good")
        let victim = try addTask(store, "victim")
        // Replace the victim's file with broken JSON through the git CLI, as a bad merge might.
        let path = "tasks/\(victim.fanOut)/\(victim.hex).json"
        try repo.git("read-tree", "refs/orch/graph")
        let broken = try Run.git(["hash-object", "-w", "--stdin"], in: repo.path, input: Data("{\"id\": oops".utf8))
        try repo.git("update-index", "--cacheinfo", "100644,\(broken),\(path)")
        let tree = try repo.git("write-tree")
        let parent = try repo.git("rev-parse", "refs/orch/graph")
        let commit = try repo.git("commit-tree", tree, "-p", parent, "-m", "corrupt")
        try repo.git("update-ref", "refs/orch/graph", commit, parent)
        try repo.git("read-tree", "HEAD")

        let snapshot = try makeStore(repo).snapshot()
        #expect(snapshot.corrupt.map(\.path) == [path])
        #expect(snapshot.corrupt.first?.id == victim)
        #expect(snapshot.graph[good]?.title == "good")
        #expect(snapshot.graph[victim] == nil)
        // `ready` reads the cache's ready list, and reports the same damage.
        #expect(try makeStore(repo).readyTasks().corrupt.map(\.path) == [path])
        // Writes go on and keep the broken file byte for byte.
        try store.apply(.claim(good, worker: "indigo", role: nil))
        #expect(try repo.git("rev-parse", "refs/orch/graph:\(path)") == broken)
    }

    @Test func aDamagedOrMissingObjectSpoilsOneTaskNotTheGraph() throws {
        let repo = try TemporaryRepository()
        let store = try makeStore(repo, usesCache: false)
        try store.initialize()
        let good = try addTask(store, "good")
        let victim = try addTask(store, "victim")
        let blob = try repo.git("rev-parse", "refs/orch/graph:tasks/\(victim.fanOut)/\(victim.hex).json")
        let object = repo.directory.file(".git/objects/\(blob.prefix(2))/\(blob.dropFirst(2))")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: object)
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: object))
        let snapshot = try makeStore(repo, usesCache: false).snapshot()
        #expect(snapshot.graph[good]?.title == "good")
        #expect(snapshot.corrupt.map(\.path) == ["tasks/\(victim.fanOut)/\(victim.hex).json"])
        #expect(snapshot.corrupt.first?.reason.hasPrefix("object \(blob) cannot be read") == true)
        try FileManager.default.removeItem(atPath: object)
        #expect(try makeStore(repo, usesCache: false).snapshot().corrupt.first?.id == victim)
    }

    @Test func aFormatOneGraphIsReadAndUpgradedByTheNextWrite() throws {
        let repo = try TemporaryRepository()
        let meta = try Run.git(["hash-object", "-w", "--stdin"], in: repo.path, input: Data("{\"format\": 1}\n".utf8))
        let id = "00000000000000aa"
        let task = "{\"assignee\": null, \"attempts\": 0, \"body\": \"\", \"created\": \"2026-01-01T00:00:00.000000Z\", \"deps\": [], \"failure\": null, \"files\": [], \"id\": \"\(id)\", \"labels\": [], \"priority\": 0, \"role\": null, \"status\": \"open\", \"title\": \"old\", \"updated\": \"2026-01-01T00:00:00.000000Z\"}\n"
        let blob = try Run.git(["hash-object", "-w", "--stdin"], in: repo.path, input: Data(task.utf8))
        let bucket = try Run.git(["mktree"], in: repo.path, input: Data("100644 blob \(blob)\t\(id).json\n".utf8))
        let tasks = try Run.git(["mktree"], in: repo.path, input: Data("040000 tree \(bucket)\t00\n".utf8))
        let root = try Run.git(["mktree"], in: repo.path, input: Data("100644 blob \(meta)\tmeta.json\n040000 tree \(tasks)\ttasks\n".utf8))
        try repo.git("update-ref", "refs/orch/graph", try repo.git("commit-tree", root, "-m", "format 1"))
        let store = try makeStore(repo)
        let old = try #require(TaskID(id))
        #expect(try store.snapshot().graph[old]?.clock == 0)
        try store.apply(.claim(old, worker: "indigo", role: nil))
        #expect(try repo.git("show", "refs/orch/graph:meta.json").contains("\"format\": 2"))
        #expect(try makeStore(repo, usesCache: false).snapshot().graph[old]?.clock == 1)
    }

    @Test func aNewerFormatIsRefused() throws {
        let repo = try TemporaryRepository()
        let store = try makeStore(repo)
        try store.initialize()
        let meta = try Run.git(["hash-object", "-w", "--stdin"], in: repo.path, input: Data("{\"format\": 3}".utf8))
        let tree = try Run.git(["mktree"], in: repo.path, input: Data("100644 blob \(meta)\tmeta.json\n".utf8))
        let commit = try repo.git("commit-tree", tree, "-m", "future")
        try repo.git("update-ref", "refs/orch/graph", commit)
        #expect(throws: StoreError.unsupportedFormat(found: 3, supported: 2)) { try makeStore(repo).snapshot() }
    }

    @Test func importIsAllOrNothing() throws {
        let repo = try TemporaryRepository()
        let store = try makeStore(repo)
        try store.initialize()
        let text = """
            {"ref": "a", "title": "first"}
            {"ref": "b", "title": "second", "after": ["a"]}
            {"title": "third", "after": ["nope"]}
            """
        let lines = try TaskImport.parse(text, source: "plan.jsonl")
        #expect(lines.count == 3)
        #expect(throws: StoreError.self) {
            _ = try TaskImport.tasks(from: lines, source: "plan.jsonl", graph: store.snapshot().graph, start: store.clock()) {
                (title, time) throws(StoreError) in try store.newTaskID(title: title, at: time)
            }
        }
        #expect(throws: StoreError.invalidInput("plan.jsonl:2: unknown field 'titel' (known: after, body, files, labels, priority, ref, role, title)")) {
            try TaskImport.parse("{\"title\": \"x\"}\n{\"titel\": \"y\", \"title\": \"z\"}", source: "plan.jsonl")
        }
        // CRLF line ends are fine; bytes that are not UTF-8 are named by line.
        #expect(throws: StoreError.invalidInput("p:2: not valid UTF-8")) {
            try TaskImport.parse(Array("{\"title\": \"x\"}\r\n".utf8) + [0x7b, 0xff, 0x7d, 0x0a], source: "p")
        }
        let good = try TaskImport.parse("{\"ref\": \"a\", \"title\": \"first\"}\r\n{\"title\": \"second\", \"after\": [\"a\"]}\r\n", source: "p")
        let tasks = try TaskImport.tasks(from: good, source: "p", graph: store.snapshot().graph, start: store.clock()) {
            (title, time) throws(StoreError) in try store.newTaskID(title: title, at: time)
        }
        let applied = try store.apply(.add(tasks))
        #expect(applied.outcome.summary == "import 2 tasks")
        let graph = try store.snapshot().graph
        #expect(graph[tasks[1].id]?.deps == [tasks[0].id])
        #expect(graph.readyTasks().map(\.title) == ["first"])
    }
}

