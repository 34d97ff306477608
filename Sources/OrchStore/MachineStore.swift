import FoundationEssentials
public import GitKit
public import OrchModel

/// `refs/orch/machines`: the machines of a team on a remote (`machines/<name>.json`, one heartbeat
/// per machine for all its workers) and the merge-queue lease (`lease/queue.json`). Writes go
/// through the remote when the team has one, so every machine sees one order of heartbeats and
/// lease changes.
public struct MachineStore {
    public let repository: Repository
    private var chain: DocumentChain
    static let leasePath = "lease/queue.json"

    public init(repository: Repository, remote: RemoteGit?) {
        self.repository = repository
        chain = DocumentChain(repository: repository, ref: StateRefs.machines)
        chain.remote = remote
    }

    public func machines() throws(StoreError) -> [MachineRecord] {
        var records: [MachineRecord] = []
        for (path, bytes) in try chain.documents() where path.hasPrefix("machines/") {
            records.append(try Self.decode(MachineRecord.self, bytes, path: path))
        }
        return records.sorted { $0.machine < $1.machine }
    }

    public func lease() throws(StoreError) -> QueueLease? {
        guard let bytes = try chain.documents()[Self.leasePath] else { return nil }
        return try Self.decode(QueueLease.self, bytes, path: Self.leasePath)
    }

    /// Writes this machine's heartbeat.
    public func beat(_ record: MachineRecord) throws(StoreError) {
        try chain.write(["machines/\(record.machine).json": try Self.encode(record)], message: "heartbeat \(record.machine)")
    }

    /// Asks for the queue lease (renews it when held); returns who holds it afterwards.
    @discardableResult
    public func requestLease(machine: String, host: String, pid: Int32, now: Timestamp, seconds: Double) throws(StoreError) -> QueueLease? {
        var result: QueueLease?
        try chain.update { (documents: inout DocumentChain.Documents) throws(StoreError) -> String? in
            let current = try documents[Self.leasePath].map { (bytes) throws(StoreError) in try Self.decode(QueueLease.self, bytes, path: Self.leasePath) }
            result = QueueLease.decide(current: current, machine: machine, host: host, pid: pid, now: now, seconds: seconds)
            guard let next = result, next != current else { return nil }
            documents[Self.leasePath] = try Self.encode(next)
            return current?.holder == machine ? "lease: \(machine) renews the queue lease" : "lease: \(machine) takes the queue lease"
        }
        return result
    }

    /// Gives the lease back when `machine` holds it (a supervisor that stops).
    public func releaseLease(machine: String) throws(StoreError) {
        try chain.update { (documents: inout DocumentChain.Documents) throws(StoreError) -> String? in
            guard let bytes = documents[Self.leasePath],
                  try Self.decode(QueueLease.self, bytes, path: Self.leasePath).holder == machine else { return nil }
            documents[Self.leasePath] = nil
            return "lease: \(machine) gives the queue lease back"
        }
    }

    static func encode(_ value: some Encodable) throws(StoreError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do { return Array(try encoder.encode(value)) + [0x0a] } catch { throw .invalidInput("cannot encode machine state: \(error)") }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ bytes: [UInt8], path: String) throws(StoreError) -> T {
        do { return try JSONDecoder().decode(type, from: Data(bytes)) } catch {
            throw .corruptEntry(path: "\(StateRefs.machines):\(path)", reason: "\(error)")
        }
    }
}
