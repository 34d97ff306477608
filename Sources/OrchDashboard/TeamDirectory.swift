import Foundation
import GitKit
import OrchModel
import OrchStore
public import OrchRuntime

/// The merge queue at a glance, for the dashboard's header.
public struct QueueSummary: Codable, Sendable, Equatable {
    public var queued: Int
    public var testing: Int
    public var merged: Int
    public var rejected: Int
    /// Why merging is halted, when it is.
    public var halted: String?

    public init(queued: Int, testing: Int, merged: Int, rejected: Int, halted: String?) {
        self.queued = queued
        self.testing = testing
        self.merged = merged
        self.rejected = rejected
        self.halted = halted
    }
}

/// What the dashboard reads from the repository itself rather than from the supervisor: the
/// workers' kept terminal output, the team when no supervisor runs, and the merge queue.
public protocol TeamDirectory: Sendable {
    /// The last `limit` bytes of a worker's kept terminal output (`.log.1` then `.log`).
    func scrollback(_ worker: String, limit: Int) -> String
    /// The registered team as `git orch status` shows it without a supervisor.
    func offlineStatus() -> TeamStatus
    func queue() -> QueueSummary?
}

/// The real one: `.git/orch/logs/` and the refs under refs/orch/. Each call opens its own
/// `Repository` (libgit2 objects are not thread-safe).
public struct RepositoryTeamDirectory: TeamDirectory {
    public let repositoryPath: String
    public let paths: RuntimePaths

    public init(repositoryPath: String, paths: RuntimePaths) {
        self.repositoryPath = repositoryPath
        self.paths = paths
    }

    public func scrollback(_ worker: String, limit: Int) -> String {
        Self.tail(of: [paths.terminalLog(worker) + ".1", paths.terminalLog(worker)], limit: limit)
    }

    /// The last `limit` bytes of the files joined, cut at a line start when one is near, and
    /// never inside a UTF-8 character.
    static func tail(of files: [String], limit: Int) -> String {
        var bytes: [UInt8] = []
        for file in files.reversed() {
            guard bytes.count < limit, let handle = FileHandle(forReadingAtPath: file) else { continue }
            defer { try? handle.close() }
            let size = (try? handle.seekToEnd()) ?? 0
            let wanted = UInt64(limit - bytes.count)
            try? handle.seek(toOffset: size > wanted ? size - wanted : 0)
            bytes = Array((try? handle.readToEnd()) ?? Data()) + bytes
        }
        guard bytes.count >= limit else { return String(decoding: bytes, as: UTF8.self) }
        var start = 0
        if let newline = bytes.prefix(4096).firstIndex(of: UInt8(ascii: "\n")) { start = newline + 1 }
        while start < bytes.count && bytes[start] & 0xC0 == 0x80 { start += 1 }
        return String(decoding: bytes[start...], as: UTF8.self)
    }

    public func offlineStatus() -> TeamStatus {
        let repository = try? Repository.open(at: repositoryPath)
        let records = repository.flatMap { try? WorkerRegistry(repository: $0).all() }?.filter { !$0.retired } ?? []
        let summary = repository.flatMap { try? Ledger(repository: $0).summary() }
        return TeamStatus(
            running: false, pid: nil, started: nil, mainBranch: nil,
            workers: records.map { record in
                TeamStatus.Worker(
                    name: record.name, color: record.color.name, hex: record.color.hex, state: WorkerState.offline.rawValue,
                    pid: nil, task: nil, taskTitle: nil, tasksDone: summary?.byWorker[record.name]?.tasksDone ?? 0,
                    failures: 0, restarts: 0, costUSD: summary?.byWorker[record.name]?.costUSD ?? 0,
                    budgetUSD: record.budgetUSD, roles: record.roles, agent: record.agent, model: record.model,
                    branch: record.branch, reason: "no supervisor running")
            },
            tasks: TeamStatus.Tasks(), costUSD: summary?.total.costUSD ?? 0, budgetUSD: nil)
    }

    public func queue() -> QueueSummary? {
        guard let repository = try? Repository.open(at: repositoryPath),
              let status = try? MergeQueue(repository: repository).status() else { return nil }
        return QueueSummary(
            queued: status.active.filter { $0.state == .queued }.count, testing: status.active.filter { $0.state == .testing }.count,
            // A merge held by the user's checkout shows where merging stops too (the page has one line for both).
            merged: status.merged, rejected: status.rejected, halted: status.halted ?? status.held)
    }
}
