public import GitKit
public import OrchModel

/// Handoffs in `refs/orch/handoffs`: the Markdown document and its JSON index per handoff, one
/// commit each (so `git log refs/orch/handoffs` lists them), and a note on the branch commit the
/// document describes under `refs/notes/orch/handoffs` (so `git log --notes=orch/handoffs
/// orch/<worker>` shows them beside the work). Both travel with `git orch sync`.
public struct HandoffStore {
    public static let notesRef = "refs/notes/orch/handoffs"
    let repository: Repository
    let chain: DocumentChain

    public init(repository: Repository) {
        self.repository = repository
        chain = DocumentChain(repository: repository, ref: StateRefs.handoffs)
    }

    /// Stores `document` under `record.id`; returns the new head of `refs/orch/handoffs`.
    @discardableResult
    public func save(_ record: HandoffRecord, document: String) throws(StoreError) -> OID {
        var message = "handoff \(record.id)"
        if let task = record.task { message += ": task \(task.prefix(8)) \(record.taskTitle ?? "")" }
        message += "\n\nOrch-Operation: handoff\nOrch-Worker: \(record.worker)\nOrch-From: \(record.from)\n"
        if let task = record.task { message += "Orch-Task: \(task)\n" }
        if let commit = record.commit { message += "Orch-Commit: \(commit)\n" }
        let head = try chain.write([record.id + ".md": Array(document.utf8), record.id + ".json": JSONDocuments.encode(record)], message: message)
        if let commit = record.commit.flatMap({ OID(hex: $0) }) {
            // Two handoffs of one commit (nothing changed in between) share the note.
            let line = "handoff \(record.id) (from \(record.from), \(record.reason))"
            do {
                let existing = try repository.note(on: commit, notesRef: Self.notesRef)
                let text = existing.map { $0.hasSuffix("\n") ? $0 + line : $0 + "\n" + line } ?? line
                _ = try repository.setNote(text + "\n", on: commit, notesRef: Self.notesRef)
            } catch {
                throw .git(error)
            }
        }
        return head
    }

    /// Every handoff, oldest first; only `worker`'s when given.
    public func list(worker: String? = nil) throws(StoreError) -> [HandoffRecord] {
        let documents = try chain.documents()
        var records: [HandoffRecord] = []
        for (path, bytes) in documents where path.hasSuffix(".json") {
            if let worker, !path.hasPrefix(worker + "/") { continue }
            records.append(try JSONDocuments.decode(HandoffRecord.self, bytes, ref: StateRefs.handoffs, path: path))
        }
        return records.sorted { ($0.created, $0.id) < ($1.created, $1.id) }
    }

    public func latest(for worker: String) throws(StoreError) -> HandoffRecord? {
        try list(worker: worker).last
    }

    /// The handoff `id` names: a whole id, or a unique part of one (its stamp, say).
    public func resolve(_ id: String) throws(StoreError) -> HandoffRecord {
        let all = try list()
        if let exact = all.first(where: { $0.id == id }) { return exact }
        let matches = all.filter { $0.id.contains(id) }
        guard matches.count == 1 else {
            throw .invalidInput(matches.isEmpty ? "no handoff matches '\(id)' (see 'git orch handoff list')"
                                                : "'\(id)' matches \(matches.count) handoffs; give more of the id")
        }
        return matches[0]
    }

    public func document(_ record: HandoffRecord) throws(StoreError) -> String {
        let documents = try chain.documents()
        guard let bytes = documents[record.id + ".md"] else {
            throw .corruptEntry(path: "\(StateRefs.handoffs):\(record.id).md", reason: "the index names a missing document")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The newest document of `worker` (what its next session starts from), or nil.
    public func latestDocument(for worker: String) throws(StoreError) -> (path: String, text: String)? {
        let documents = try chain.documents()
        guard let path = documents.keys.filter({ $0.hasPrefix(worker + "/") && $0.hasSuffix(".md") }).max() else { return nil }
        return (path, String(decoding: documents[path]!, as: UTF8.self))
    }
}
