import Foundation
import GitKit
import OrchModel
import OrchStore
import OrchTestSupport
import Testing

@Suite struct QueueStoreTests {
    @Test func entriesAreFilesInACommitChain() throws {
        let repo = try TemporaryRepository()
        let git = try repo.open()
        let store = QueueStore(repository: git)
        let tip = try #require(try git.referenceTarget("refs/heads/main"))
        let first = try store.add(branch: "orch/indigo", tip: tip, task: nil, worker: "indigo")
        let second = try store.add(branch: "orch/rose", tip: tip, task: nil, worker: nil)
        #expect((first.id, second.id) == (1, 2))
        // Re-enqueueing a waiting branch updates its entry.
        #expect(try store.add(branch: "orch/indigo", tip: tip, task: nil, worker: nil).id == 1)
        try store.update([2], message: "reject #2") { $0.state = .rejected; $0.reason = "conflicts"; $0.conflicts = ["a"] }
        #expect(try store.entries().map(\.state) == [.queued, .rejected])
        #expect(try repo.git("show", "refs/orch/queue:entries/000002.json").contains("\"reason\" : \"conflicts\""))
        #expect(try store.remove(1)?.branch == "orch/indigo")
        #expect(try store.remove(1) == nil)
        #expect(try store.entries().map(\.id) == [2])
        #expect(try store.add(branch: "x", tip: tip, task: nil, worker: nil).id == 3)
        #expect(try store.history().first?.message.hasPrefix("queue: add #3 x") == true)
    }

    @Test func testRecordsAreNotesReadableWithGit() throws {
        let repo = try TemporaryRepository()
        let git = try repo.open()
        let store = QueueStore(repository: git)
        let head = try #require(try git.referenceTarget("refs/heads/main"))
        #expect(try store.testRecord(on: head) == nil)
        let record = QueueTestRecord(command: "make test", attempts: [.init(exitStatus: 0, durationSeconds: 1.5)], logTail: "ok",
                                     tree: try git.commit(head).tree.hex, base: head.hex, entries: [1], time: SystemClock.now())
        try store.recordTest(record, on: head)
        #expect(try store.testRecord(on: head) == record)
        #expect(try repo.git("notes", "--ref=orch/tests", "show", "main").contains("\"passed\":true"))
        // Two records on one line each (what a cat_sort_uniq notes merge leaves): the newest counts.
        var older = record
        older.time = Timestamp(microseconds: record.time.microseconds - 1_000_000)
        older.attempts = [.init(exitStatus: 1, durationSeconds: 1)]
        let lines = [older, record].map { try! String(decoding: JSONEncoder().encode($0), as: UTF8.self) }.sorted().joined(separator: "\n")
        try git.setNote(lines, on: head, notesRef: StateRefs.testNotes)
        #expect(try store.testRecord(on: head) == record)
    }

    @Test func aDamagedEntryIsNamed() throws {
        let repo = try TemporaryRepository()
        let git = try repo.open()
        try DocumentChain(repository: git, ref: StateRefs.queue).update { documents in
            documents["entries/000001.json"] = Array("{\"format\":1}".utf8)
            return "broken"
        }
        #expect(throws: StoreError.corruptEntry(path: "refs/orch/queue:entries/000001.json", reason: "missing field 'id'")) {
            try QueueStore(repository: git).entries()
        }
    }
}
