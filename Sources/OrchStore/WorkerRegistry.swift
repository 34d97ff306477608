public import GitKit
public import OrchModel

/// The worker registry in `refs/orch/workers`: one `workers/<name>.json` per worker.
public struct WorkerRegistry {
    let chain: DocumentChain

    public init(repository: Repository) {
        chain = DocumentChain(repository: repository, ref: StateRefs.workers)
    }

    public func all() throws(StoreError) -> [WorkerRecord] {
        try JSONDocuments.decodeAll(WorkerRecord.self, in: chain, under: "workers/")
    }

    public func record(_ name: String) throws(StoreError) -> WorkerRecord? {
        try all().first { $0.name == name }
    }

    /// Writes `records` (new or changed) in one commit; unchanged ones write nothing.
    public func save(_ records: [WorkerRecord], message: String) throws(StoreError) {
        try chain.update { documents in
            var changed = false
            for record in records {
                let bytes = JSONDocuments.encode(record)
                let path = "workers/\(record.name).json"
                if documents[path] != bytes { documents[path] = bytes; changed = true }
            }
            return changed ? message : nil
        }
    }
}
