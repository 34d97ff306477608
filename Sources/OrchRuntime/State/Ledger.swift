import Foundation
public import GitKit
import OrchModel
import OrchStore

/// One agent run's cost, as kept in `refs/orch/ledger` under `runs/<task>/<time>-<worker>.json`.
public struct LedgerEntry: Codable, Sendable, Equatable {
    public var task: String
    public var worker: String
    public var agent: String
    public var model: String?
    public var sessionID: String?
    public var costUSD: Double
    /// False when the agent reported no cost and none could be computed from tokens.
    public var costKnown: Bool
    public var inputTokens: Int
    public var outputTokens: Int
    public var cachedTokens: Int
    public var exitStatus: Int32
    /// done, failed, stopped, timed-out
    public var outcome: String
    public var started: String
    public var ended: String
    public var skills: [String]
    public var role: String?

    public init(task: String, worker: String, agent: String, model: String?, sessionID: String?, costUSD: Double,
                costKnown: Bool, inputTokens: Int, outputTokens: Int, cachedTokens: Int, exitStatus: Int32,
                outcome: String, started: String, ended: String, skills: [String], role: String?) {
        self.task = task
        self.worker = worker
        self.agent = agent
        self.model = model
        self.sessionID = sessionID
        self.costUSD = costUSD
        self.costKnown = costKnown
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedTokens = cachedTokens
        self.exitStatus = exitStatus
        self.outcome = outcome
        self.started = started
        self.ended = ended
        self.skills = skills
        self.role = role
    }
}

/// Sums of ledger entries.
public struct CostTotals: Codable, Sendable, Equatable {
    public var costUSD = 0.0
    public var inputTokens = 0
    public var outputTokens = 0
    public var runs = 0
    /// Runs that finished their task.
    public var tasksDone = 0

    public init() {}

    mutating func add(_ entry: LedgerEntry) {
        if entry.outcome == "done" { tasksDone += 1 }
        costUSD += entry.costUSD
        inputTokens += entry.inputTokens
        outputTokens += entry.outputTokens
        runs += 1
    }
}

public struct Ledger {
    let chain: DocumentChain

    public init(repository: Repository) {
        chain = DocumentChain(repository: repository, ref: StateRefs.ledger)
    }

    public func record(_ entry: LedgerEntry) throws(RuntimeError) {
        let stamp = entry.ended.filter { $0.isNumber }
        let path = "runs/\(entry.task)/\(stamp)-\(entry.worker).json"
        let summary = String(format: "cost %@ %@ $%.4f", entry.worker, String(entry.task.prefix(6)), entry.costUSD)
        try store { () throws(StoreError) in
            try chain.write([path: JSONDocuments.encode(entry)], message: summary + "\n\nOrch-Operation: cost\nOrch-Task: \(entry.task)\n")
        }
    }

    public func entries() throws(RuntimeError) -> [LedgerEntry] {
        let documents = try store { () throws(StoreError) in try chain.documents() }
        var entries: [LedgerEntry] = []
        for (path, bytes) in documents.sorted(by: { $0.key < $1.key }) where path.hasPrefix("runs/") {
            entries.append(try JSONDocuments.decode(LedgerEntry.self, bytes, ref: StateRefs.ledger, path: path))
        }
        return entries
    }

    public struct Summary: Codable, Sendable, Equatable {
        public var total = CostTotals()
        public var byWorker: [String: CostTotals] = [:]
        public var byTask: [String: CostTotals] = [:]
    }

    public func summary() throws(RuntimeError) -> Summary {
        var summary = Summary()
        for entry in try entries() {
            summary.total.add(entry)
            summary.byWorker[entry.worker, default: CostTotals()].add(entry)
            summary.byTask[entry.task, default: CostTotals()].add(entry)
        }
        return summary
    }
}
