/// What the merge queue records about one test run, as a note on the tested commit in
/// `refs/notes/orch/tests`: the pre-push hook and the queue's emergency stop read it back.
///
/// Format history (`format` in the note): 1 — first version.
public struct QueueTestRecord: Sendable, Equatable {
    public static let formatVersion = 1

    /// One run of the test command (a flaky-test retry is another attempt).
    public struct Attempt: Sendable, Equatable, Codable {
        public var exitStatus: Int32
        public var durationSeconds: Double
        public init(exitStatus: Int32, durationSeconds: Double) {
            self.exitStatus = exitStatus
            self.durationSeconds = durationSeconds
        }
        enum CodingKeys: String, CodingKey {
            case exitStatus = "exit_status", durationSeconds = "duration_seconds"
        }
    }

    /// The test command as configured (run with `/bin/sh -c` in a scratch worktree).
    public var command: String
    /// Every attempt in order; the record passes when the last one exited 0.
    public var attempts: [Attempt]
    /// The end of the last attempt's combined output.
    public var logTail: String
    /// The tree that was tested (the commit's tree: what "this exact tree passed" refers to).
    public var tree: String
    /// The protected branch's commit the candidate was built on.
    public var base: String
    /// The queue entries merged into the candidate.
    public var entries: [Int]
    public var time: Timestamp

    public init(
        command: String, attempts: [Attempt], logTail: String, tree: String, base: String, entries: [Int], time: Timestamp
    ) {
        self.command = command
        self.attempts = attempts
        self.logTail = logTail
        self.tree = tree
        self.base = base
        self.entries = entries
        self.time = time
    }

    public var passed: Bool { attempts.last?.exitStatus == 0 }
    public var exitStatus: Int32 { attempts.last?.exitStatus ?? -1 }
    public var durationSeconds: Double { attempts.reduce(0) { $0 + $1.durationSeconds } }
    /// Attempts after the first one.
    public var retries: Int { max(0, attempts.count - 1) }
}

extension QueueTestRecord: Codable {
    enum CodingKeys: String, CodingKey {
        case format, command, passed, exitStatus = "exit_status", durationSeconds = "duration_seconds", retries, attempts
        case logTail = "log_tail", tree, base, entries, time
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try container.checkFormat(.format, supported: Self.formatVersion)
        command = try container.decode(String.self, forKey: .command)
        attempts = try container.decode([Attempt].self, forKey: .attempts)
        logTail = try container.decode(String.self, forKey: .logTail)
        tree = try container.decode(String.self, forKey: .tree)
        base = try container.decode(String.self, forKey: .base)
        entries = try container.decodeIfPresent([Int].self, forKey: .entries) ?? []
        let text = try container.decode(String.self, forKey: .time)
        guard let time = Timestamp(iso8601: text) else {
            throw DecodingError.dataCorruptedError(forKey: .time, in: container, debugDescription: "'\(text)' is not an ISO 8601 time")
        }
        self.time = time
        // `passed`, `exit_status`, `duration_seconds` and `retries` are derived from `attempts`;
        // they are written for people and scripts reading the note with `git notes show`.
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(Self.formatVersion, forKey: .format)
        try container.encode(command, forKey: .command)
        try container.encode(passed, forKey: .passed)
        try container.encode(exitStatus, forKey: .exitStatus)
        try container.encode(durationSeconds, forKey: .durationSeconds)
        try container.encode(retries, forKey: .retries)
        try container.encode(attempts, forKey: .attempts)
        try container.encode(logTail, forKey: .logTail)
        try container.encode(tree, forKey: .tree)
        try container.encode(base, forKey: .base)
        try container.encode(entries, forKey: .entries)
        try container.encode(time.iso8601, forKey: .time)
    }
}
