/// One machine of a team on a remote, as kept in `refs/orch/machines` (`machines/<name>.json`):
/// its supervisor's heartbeat for all its workers at once (one write per machine, not per worker).
///
/// Format history (`format` in the file): 1 — first version.
public struct MachineRecord: Sendable, Equatable, Codable {
    public static let formatVersion = 1

    public var format: Int = MachineRecord.formatVersion
    /// `orch.machine`, else the host name: unique in the team.
    public var machine: String
    public var host: String
    /// The supervisor's process id on that host.
    public var pid: Int32
    /// The last heartbeat (ISO 8601); the machine counts as gone `orch.machineTimeoutSeconds` after it.
    public var heartbeat: String
    /// The workers this machine runs.
    public var workers: [String]
    /// Set by a supervisor that stopped on purpose (its tasks come back to the team the same way).
    public var stopped: Bool = false

    public init(machine: String, host: String, pid: Int32, heartbeat: Timestamp, workers: [String], stopped: Bool = false) {
        self.machine = machine
        self.host = host
        self.pid = pid
        self.heartbeat = heartbeat.iso8601
        self.workers = workers
        self.stopped = stopped
    }

    /// Whether the machine's heartbeat is older than `seconds` at `now` (or unreadable).
    public func isGone(at now: Timestamp, afterSeconds seconds: Double) -> Bool {
        guard let beat = Timestamp(iso8601: heartbeat) else { return true }
        return stopped || now.microseconds - beat.microseconds > Int64(seconds * 1_000_000)
    }
}

/// The merge-queue lease in `refs/orch/machines` (`lease/queue.json`): the one machine whose queue
/// runner may move the remote's main branch, until `expires` (renewed while it runs).
///
/// Format history (`format` in the file): 1 — first version.
public struct QueueLease: Sendable, Equatable, Codable {
    public static let formatVersion = 1

    public var format: Int = QueueLease.formatVersion
    public var holder: String
    public var host: String
    public var pid: Int32
    /// When the holder first took it (ISO 8601).
    public var acquired: String
    public var expires: String

    public init(holder: String, host: String, pid: Int32, acquired: Timestamp, expires: Timestamp) {
        self.holder = holder
        self.host = host
        self.pid = pid
        self.acquired = acquired.iso8601
        self.expires = expires.iso8601
    }

    public func isExpired(at now: Timestamp) -> Bool {
        guard let end = Timestamp(iso8601: expires) else { return true }
        return now > end
    }

    /// The lease after `machine` asks for it at `now`: renewed when it holds it, taken when it is
    /// free or expired, else unchanged (another machine holds it). Pure, so a test needs no clock.
    public static func decide(current: QueueLease?, machine: String, host: String, pid: Int32, now: Timestamp,
                              seconds: Double) -> QueueLease? {
        let expires = now.adding(microseconds: Int64(seconds * 1_000_000))
        if let current, current.holder == machine {
            var renewed = current
            renewed.expires = expires.iso8601
            renewed.pid = pid
            return renewed
        }
        if let current, !current.isExpired(at: now) { return current }
        return QueueLease(holder: machine, host: host, pid: pid, acquired: now, expires: expires)
    }
}
