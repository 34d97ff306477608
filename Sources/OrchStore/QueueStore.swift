import FoundationEssentials
public import GitKit
public import OrchModel

/// The merge queue in `refs/orch/queue` (one JSON file per entry, `entries/<id>.json`, changed by
/// compare-and-swap through `DocumentChain`), and the test notes in `refs/notes/orch/tests`.
/// One store per thread (it uses the repository's libgit2 handle).
public struct QueueStore {
    public let repository: Repository
    public var clock: () -> Timestamp
    private var chain: DocumentChain

    public init(repository: Repository, clock: @escaping () -> Timestamp = SystemClock.now) {
        self.repository = repository
        self.clock = clock
        chain = DocumentChain(repository: repository, ref: StateRefs.queue)
        // A team on a remote shares one queue: entries count once pushed (see TeamRemote).
        do { chain.remote = try TeamRemote.configured(in: repository) } catch { chain.remote = nil; chain.remoteProblem = error }
    }

    static func path(of id: Int) -> String {
        let digits = String(id)
        return "entries/" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".json"
    }

    // MARK: Entries

    /// Every entry still in the queue (active and finished), in queue order.
    public func entries() throws(StoreError) -> [QueueEntry] {
        try Self.decode(try chain.documents())
    }

    public func entry(_ id: Int) throws(StoreError) -> QueueEntry? {
        try entries().first { $0.id == id }
    }

    /// Adds `branch` at `tip`; a branch already waiting (queued, not yet being tested) gets the
    /// new tip instead of a second entry, so a worker can re-enqueue after fixing its branch.
    @discardableResult
    public func add(branch: String, tip: OID, task: TaskID?, worker: String?) throws(StoreError) -> QueueEntry {
        let now = clock()
        var added: QueueEntry?
        try chain.update { (documents: inout DocumentChain.Documents) throws(StoreError) -> String? in
            let current = try Self.decode(documents)
            if var waiting = current.first(where: { $0.branch == branch && $0.state == .queued }) {
                waiting.tip = tip.hex
                waiting.task = task ?? waiting.task
                waiting.worker = worker ?? waiting.worker
                waiting.updated = now
                waiting.reason = nil
                waiting.conflicts = []
                documents[Self.path(of: waiting.id)] = try Self.encode(waiting)
                added = waiting
                return "queue: update #\(waiting.id) \(branch) to \(tip.hex.prefix(12))"
            }
            let entry = QueueEntry(
                id: (current.map(\.id).max() ?? 0) + 1, branch: branch, tip: tip.hex, task: task, worker: worker, enqueued: now)
            documents[Self.path(of: entry.id)] = try Self.encode(entry)
            added = entry
            return "queue: add #\(entry.id) \(branch) at \(tip.hex.prefix(12))"
        }
        return added!
    }

    /// Changes the entries `ids` with `change` in one commit; entries removed meanwhile are
    /// skipped. Returns the changed entries.
    @discardableResult
    public func update(_ ids: [Int], message: String, _ change: (inout QueueEntry) -> Void) throws(StoreError) -> [QueueEntry] {
        let now = clock()
        var changed: [QueueEntry] = []
        try chain.update { (documents: inout DocumentChain.Documents) throws(StoreError) -> String? in
            changed = []
            for entry in try Self.decode(documents) where ids.contains(entry.id) {
                var updated = entry
                change(&updated)
                guard updated != entry else { continue }
                updated.updated = now
                documents[Self.path(of: entry.id)] = try Self.encode(updated)
                changed.append(updated)
            }
            return changed.isEmpty ? nil : "queue: \(message)"
        }
        return changed
    }

    /// Takes an entry out of the queue; nil when there is no such entry.
    @discardableResult
    public func remove(_ id: Int) throws(StoreError) -> QueueEntry? {
        var removed: QueueEntry?
        try chain.update { (documents: inout DocumentChain.Documents) throws(StoreError) -> String? in
            removed = try Self.decode(documents).first { $0.id == id }
            guard let removed else { return nil }
            documents[Self.path(of: id)] = nil
            return "queue: remove #\(id) \(removed.branch)"
        }
        return removed
    }

    /// The queue's history, newest first.
    public func history(limit: Int = .max) throws(StoreError) -> [Commit] { try chain.history(limit: limit) }

    // MARK: Test notes

    /// The test record on `commit`, nil when it was never tested by the queue.
    ///
    /// A note is one line of JSON. Sync merges notes that both sides added with git's
    /// `cat_sort_uniq` strategy, which leaves one record per line: the newest one counts.
    public func testRecord(on commit: OID) throws(StoreError) -> QueueTestRecord? {
        let text = try git { () throws(GitError) in try repository.note(on: commit, notesRef: StateRefs.testNotes) }
        guard let text else { return nil }
        var records: [QueueTestRecord] = []
        for line in text.split(separator: "\n") where !line.allSatisfy(\.isWhitespace) {
            do {
                records.append(try JSONDecoder().decode(QueueTestRecord.self, from: Data(line.utf8)))
            } catch {
                throw .corruptEntry(path: "\(StateRefs.testNotes):\(commit.hex)", reason: "unreadable test note: \(Self.describe(error))")
            }
        }
        return records.max { $0.time < $1.time }
    }

    /// Attaches `record` to `commit` (replacing an older record there).
    public func recordTest(_ record: QueueTestRecord, on commit: OID) throws(StoreError) {
        let text = String(decoding: try Self.encode(record, pretty: false), as: UTF8.self)
        _ = try git { () throws(GitError) in try repository.setNote(text, on: commit, notesRef: StateRefs.testNotes) }
    }

    // MARK: Encoding

    static func encode(_ value: some Encodable, pretty: Bool = true) throws(StoreError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value)) + [0x0a]
        } catch {
            throw .invalidInput("cannot encode queue state: \(error)")
        }
    }

    static func decode(_ documents: DocumentChain.Documents) throws(StoreError) -> [QueueEntry] {
        var entries: [QueueEntry] = []
        for (path, bytes) in documents where path.hasPrefix("entries/") {
            do {
                entries.append(try JSONDecoder().decode(QueueEntry.self, from: Data(bytes)))
            } catch {
                throw .corruptEntry(path: "\(StateRefs.queue):\(path)", reason: Self.describe(error))
            }
        }
        return entries.sorted { $0.id < $1.id }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context): return context.debugDescription
        case DecodingError.keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context): return "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case DecodingError.valueNotFound(_, let context): return "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' is null"
        default: return "not valid JSON"
        }
    }
}
