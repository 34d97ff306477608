public import GitKit
public import OrchModel

/// Messages waiting for their recipients in `refs/orch/messages`.
public struct Inbox {
    let chain: DocumentChain

    public init(repository: Repository) {
        chain = DocumentChain(repository: repository, ref: StateRefs.messages)
    }

    public func send(_ message: WorkerMessage, at time: Timestamp) throws(StoreError) {
        let path = "\(message.to)/\(time.microseconds)-\(message.from).json"
        try chain.write([path: JSONDocuments.encode(message)], message: "message \(message.from) -> \(message.to)")
    }

    public func pending(for worker: String) throws(StoreError) -> [WorkerMessage] {
        let documents = try chain.documents()
        return try messages(in: documents, for: worker).map(\.1)
    }

    /// Takes the worker's messages out of the inbox (one commit) and returns them, oldest first.
    public func deliver(to worker: String) throws(StoreError) -> [WorkerMessage] {
        var delivered: [WorkerMessage] = []
        try chain.update { documents throws(StoreError) in
            let found = try messages(in: documents, for: worker)
            delivered = found.map(\.1)
            guard !found.isEmpty else { return nil }
            for (path, _) in found { documents[path] = nil }
            return "deliver \(found.count) message\(found.count == 1 ? "" : "s") to \(worker)"
        }
        return delivered
    }

    private func messages(in documents: DocumentChain.Documents, for worker: String) throws(StoreError) -> [(String, WorkerMessage)] {
        var found: [(String, WorkerMessage)] = []
        for (path, bytes) in documents.sorted(by: { $0.key < $1.key }) where path.hasPrefix(worker + "/") {
            found.append((path, try JSONDocuments.decode(WorkerMessage.self, bytes, ref: StateRefs.messages, path: path)))
        }
        return found
    }
}
