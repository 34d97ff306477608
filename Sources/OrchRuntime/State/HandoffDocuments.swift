public import GitKit
import OrchStore

/// Reads handoff documents from `refs/orch/handoffs` (`<worker>/<stamp>.md`).
public struct HandoffDocuments {
    let chain: DocumentChain

    public init(repository: Repository) {
        chain = DocumentChain(repository: repository, ref: StateRefs.handoffs)
    }

    /// The newest document of `worker`, or nil.
    public func latest(for worker: String) throws(RuntimeError) -> (path: String, text: String)? {
        let documents = try store { () throws(StoreError) in try chain.documents() }
        guard let path = documents.keys.filter({ $0.hasPrefix(worker + "/") && $0.hasSuffix(".md") }).max() else { return nil }
        return (path, String(decoding: documents[path]!, as: UTF8.self))
    }
}
