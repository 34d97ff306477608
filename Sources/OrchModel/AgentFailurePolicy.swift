/// What one finished agent run showed, as far as telling the task's failure from the agent's
/// environment's goes.
public struct AgentRunFacts: Sendable, Equatable {
    /// The program could not be started at all (not found, not executable): its error.
    public var launchError: String?
    /// The run finished its work (exit 0, no error reported).
    public var succeeded: Bool
    /// The agent reported tokens or cost: it talked to its model, so it worked on the task.
    public var usedModel: Bool
    /// Why it failed, in one line (the agent's own error, else its exit status and last line).
    public var reason: String
    /// The CLI rejected its command line (a usage error): its own error line.
    public var usageError: String?

    public init(launchError: String? = nil, succeeded: Bool, usedModel: Bool, reason: String, usageError: String? = nil) {
        self.launchError = launchError
        self.succeeded = succeeded
        self.usedModel = usedModel
        self.reason = reason
        self.usageError = usageError
    }
}

/// Where the blame for a run lies.
public enum AgentRunVerdict: Sendable, Equatable {
    case succeeded
    /// A real attempt at the task failed: it counts towards `maxAttempts`.
    case attemptFailed(reason: String)
    /// The agent's environment failed, not the task: the task goes back with no attempt counted.
    /// With `offline`, no later run on this machine can do better, so the worker stops taking tasks.
    case environment(reason: String, offline: Bool)
}

/// Decides whether a failed run was a real attempt. Only a run that reached its model counts: an
/// agent that is missing, rejects its flags, or exits without a model call the same way twice is
/// broken where it runs, and burning the backlog's attempts on it helps nobody. One silent failure
/// alone may be passing (a network blip before the first call), so the task is retried first.
public struct AgentFailurePolicy: Sendable, Equatable {
    /// The reason of the last run that failed without reaching its model, while no run in between
    /// did better.
    public private(set) var lastSilentFailure: String?

    public init() {}

    public mutating func judge(_ facts: AgentRunFacts) -> AgentRunVerdict {
        if let launchError = facts.launchError {
            return .environment(reason: launchError, offline: true)
        }
        if facts.succeeded {
            lastSilentFailure = nil
            return .succeeded
        }
        if facts.usedModel {
            lastSilentFailure = nil
            return .attemptFailed(reason: facts.reason)
        }
        if let usage = facts.usageError {
            return .environment(reason: usage, offline: true)
        }
        defer { lastSilentFailure = facts.reason }
        return .environment(reason: facts.reason, offline: lastSilentFailure == facts.reason)
    }
}

/// Recognises a command-line usage error in what a CLI printed, so the recorded reason is its own
/// error line rather than the last line of the usage text after it ("For more information, try
/// '--help'."). Covers clap (Rust: codex), commander (Node: claude) and argparse (Python: aider).
public enum UsageErrorLine {
    private static let markers = [
        "unexpected argument", "unknown option", "unrecognized argument", "unrecognised argument", "invalid value",
        "argument missing", "requires a value", "is not a valid", "too many arguments", "unknown command",
    ]

    /// The first line that reads like a rejected command line, trimmed; nil when there is none.
    public static func find(in output: String) -> String? {
        for raw in output.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let line = raw.trimmingWhitespace()
            let lower = line.lowercased()
            guard lower.contains("error") else { continue }
            if markers.contains(where: { lower.contains($0) }) { return String(line) }
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var text = self
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return text
    }
}
