public import GitKit
public import OrchModel

/// The cost ledger in `refs/orch/ledger`: one document per agent run,
/// `runs/<task>/<time>-<worker>.json`.
public struct Ledger {
    let chain: DocumentChain

    public init(repository: Repository) {
        chain = DocumentChain(repository: repository, ref: StateRefs.ledger)
    }

    public func record(_ entry: LedgerEntry) throws(StoreError) {
        let stamp = entry.ended.filter { $0.isNumber }
        let path = "runs/\(entry.task)/\(stamp)-\(entry.worker).json"
        let summary = "cost \(entry.worker) \(entry.task.prefix(6)) $\(Self.dollars(entry.costUSD))"
        try chain.write([path: JSONDocuments.encode(entry)], message: summary + "\n\nOrch-Operation: cost\nOrch-Task: \(entry.task)\n")
    }

    public func entries() throws(StoreError) -> [LedgerEntry] {
        try JSONDocuments.decodeAll(LedgerEntry.self, in: chain, under: "runs/")
    }

    public func summary() throws(StoreError) -> LedgerSummary {
        LedgerSummary(try entries())
    }

    /// `amount` with four decimals (String(format:) is not in FoundationEssentials).
    static func dollars(_ amount: Double) -> String {
        let tenThousandths = Int((abs(amount) * 10_000).rounded())
        let fraction = String(tenThousandths % 10_000)
        return (amount < 0 ? "-" : "") + "\(tenThousandths / 10_000)." + String(repeating: "0", count: 4 - fraction.count) + fraction
    }
}
