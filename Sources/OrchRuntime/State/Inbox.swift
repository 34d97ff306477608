import Foundation
public import GitKit
public import OrchModel
import OrchStore

/// A message from one worker (or a person) to another, waiting in `refs/orch/messages` under
/// `<recipient>/<time>-<sender>.json` until the recipient's next prompt takes it.
public struct WorkerMessage: Codable, Sendable, Equatable {
    public var from: String
    public var to: String
    public var text: String
    public var time: String

    public init(from: String, to: String, text: String, time: Timestamp) {
        self.from = from
        self.to = to
        self.text = text
        self.time = time.iso8601
    }
}

public struct Inbox {
    let chain: DocumentChain

    public init(repository: Repository) {
        chain = DocumentChain(repository: repository, ref: StateRefs.messages)
    }

    public func send(_ message: WorkerMessage, at time: Timestamp) throws(RuntimeError) {
        let path = "\(message.to)/\(time.microseconds)-\(message.from).json"
        try store { () throws(StoreError) in
            try chain.write([path: JSONDocuments.encode(message)], message: "message \(message.from) -> \(message.to)")
        }
    }

    public func pending(for worker: String) throws(RuntimeError) -> [WorkerMessage] {
        let documents = try store { () throws(StoreError) in try chain.documents() }
        return try messages(in: documents, for: worker).map(\.1)
    }

    /// Takes the worker's messages out of the inbox (one commit) and returns them, oldest first.
    public func deliver(to worker: String) throws(RuntimeError) -> [WorkerMessage] {
        var delivered: [WorkerMessage] = []
        var failure: RuntimeError?
        try store { () throws(StoreError) in
            try chain.update { documents in
                do {
                    let found = try messages(in: documents, for: worker)
                    delivered = found.map(\.1)
                    guard !found.isEmpty else { return nil }
                    for (path, _) in found { documents[path] = nil }
                    return "deliver \(found.count) message\(found.count == 1 ? "" : "s") to \(worker)"
                } catch {
                    failure = error as? RuntimeError ?? .invalidInput("\(error)")
                    return nil
                }
            }
        }
        if let failure { throw failure }
        return delivered
    }

    private func messages(in documents: DocumentChain.Documents, for worker: String) throws(RuntimeError) -> [(String, WorkerMessage)] {
        var found: [(String, WorkerMessage)] = []
        for (path, bytes) in documents.sorted(by: { $0.key < $1.key }) where path.hasPrefix(worker + "/") {
            found.append((path, try JSONDocuments.decode(WorkerMessage.self, bytes, ref: StateRefs.messages, path: path)))
        }
        return found
    }
}
