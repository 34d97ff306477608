import Foundation
public import OrchModel
import ProcessKit

extension Subprocess {
    /// `git config ARGUMENTS` (a query) in `directory` or on `gitDirectory`: its output, or nil
    /// when no key matches (git's status 1). git failing otherwise (a config file it cannot read)
    /// is an error, never "not set".
    static func gitConfig(_ arguments: [String], in directory: String? = nil, gitDirectory: String? = nil) throws(RuntimeError) -> [UInt8]? {
        let command = (gitDirectory.map { ["--git-dir", $0] } ?? []) + ["config"] + arguments
        let result: Subprocess.Result
        do { result = try run("git", command, in: directory) } catch { throw .git(command, error.description) }
        if result.status == 1 { return nil }
        guard result.status == 0 else {
            throw .git(command, result.errorOutput.split(separator: "\n").first.map(String.init) ?? "exit status \(result.status)")
        }
        return result.stdout
    }
}

/// The runtime's settings: `git config orch.*` (read once, multi-valued keys kept), with defaults.
/// The README's configuration table lists every key.
public struct RuntimeConfig: Sendable {
    /// Lower-cased key (git normalises section and name, keeps subsections) to its values in order.
    public private(set) var values: [String: [String]]

    public init(values: [String: [String]] = [:]) {
        var normalized: [String: [String]] = [:]
        for (key, list) in values { normalized[Self.normalize(key), default: []] += list }
        self.values = normalized
    }

    /// Every `orch.*` key of the repository at `directory` (its local, global and system config).
    /// A config git cannot read is an error: its defaults would silently turn settings off (a
    /// budget, the merge queue).
    public static func read(in directory: String) throws(RuntimeError) -> RuntimeConfig {
        // No orch.* key at all: the defaults apply.
        guard let output = try Subprocess.gitConfig(["-z", "--get-regexp", "^orch\\."], in: directory) else { return RuntimeConfig() }
        return parse(output)
    }

    private static func parse(_ output: [UInt8]) -> RuntimeConfig {
        var values: [String: [String]] = [:]
        for record in output.split(separator: 0) {
            let text = String(decoding: record, as: UTF8.self)
            let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            values[String(parts[0]), default: []].append(parts.count > 1 ? String(parts[1]) : "true")
        }
        return RuntimeConfig(values: values)
    }

    /// `orch.agent.Mine.command` keeps the subsection's case; the rest is case-insensitive.
    static func normalize(_ key: String) -> String {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count > 2 else { return key.lowercased() }
        return parts[0].lowercased() + "." + parts[1..<(parts.count - 1)].joined(separator: ".") + "." + parts[parts.count - 1].lowercased()
    }

    public func string(_ key: String) -> String? { values[Self.normalize(key)]?.last }
    public func all(_ key: String) -> [String] { values[Self.normalize(key)] ?? [] }

    /// A number, or `fallback` when unset. A value that is set but unreadable is an error naming it.
    public func number(_ key: String, default fallback: Double, range: ClosedRange<Double>) throws(RuntimeError) -> Double {
        guard let text = string(key) else { return fallback }
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw .config(key, "'\(text)' is not a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    public func flag(_ key: String, default fallback: Bool) throws(RuntimeError) -> Bool {
        guard let text = string(key)?.lowercased() else { return fallback }
        switch text {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0", "": return false
        default: throw .config(key, "'\(text)' is not a boolean (true or false)")
        }
    }

    /// The `orch.agent.<name>.<field>` keys, for agent presets defined in git config.
    public var agentKeys: [String: String] {
        var keys: [String: String] = [:]
        for (key, list) in values where key.hasPrefix("orch.agent.") { keys[key] = list.last }
        return keys
    }
}

/// The settings a worker and the supervisor run with, resolved and checked once.
public struct RuntimeSettings: Sendable {
    public var heartbeatSeconds: Double
    public var missedHeartbeats: Int
    public var maxAttempts: Int
    public var breakerFailures: Int
    public var strategy: AssignmentStrategy
    public var teamBudgetUSD: Double?
    public var agentStartsPerMinute: Double
    public var agentStartBurst: Double
    public var terminalLogBytes: Int
    public var pollSeconds: Double
    public var needsInputSeconds: Double
    public var taskTimeoutSeconds: Double
    public var denyPatterns: [String]
    public var autoscaleMax: Int?
    public var autoscaleMin: Int
    public var idleStopSeconds: Double?
    /// Workers hand finished work to the merge queue (tasks complete when merged) instead of
    /// completing tasks at once: `orch.mergeQueue`, on by default once `orch.testCommand` is set.
    public var mergeQueue: Bool
    /// Offer `git orch mcp` to agents whose preset can take it (`orch.mcp`, default true).
    public var offerMCP: Bool
    /// How often the supervisor predicts conflicts between worker branches (`orch.conflictSeconds`).
    public var conflictSeconds: Double
    /// Automatic handoff: at this share of the model's context window, or after this many tasks.
    public var handoffContextPercent: Double
    public var handoffAfterTasks: Int?
    /// Whether agents run inside bubblewrap (`orch.sandbox`: auto, bwrap, off).
    public var sandbox: SandboxMode
    /// New worktrees' setup: `orch.setupCommand`, `orch.copyFiles`, `orch.portBase`, `orch.portRange`.
    public var project: ProjectSetup

    public static let defaultDenyPatterns = [
        ".env", ".env.*", "*.pem", "*.key", "*.p12", "*.pfx", "id_*", "*.keystore", ".netrc", ".npmrc", ".pypirc",
        "credentials.json", "*.kdbx",
    ]

    public init(_ config: RuntimeConfig) throws(RuntimeError) {
        heartbeatSeconds = try config.number("orch.heartbeatSeconds", default: 30, range: 0.05...3600)
        missedHeartbeats = Int(try config.number("orch.missedHeartbeats", default: 3, range: 1...100))
        maxAttempts = Int(try config.number("orch.maxAttempts", default: 3, range: 1...100))
        breakerFailures = Int(try config.number("orch.breakerFailures", default: 3, range: 1...100))
        let strategyName = config.string("orch.assignment") ?? AssignmentStrategy.capability.rawValue
        guard let strategy = AssignmentStrategy(rawValue: strategyName) else {
            throw .config("orch.assignment", "'\(strategyName)' is not one of \(AssignmentStrategy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.strategy = strategy
        teamBudgetUSD = config.string("orch.budget") == nil ? nil : try config.number("orch.budget", default: 0, range: 0...1_000_000)
        agentStartsPerMinute = try config.number("orch.agentStartsPerMinute", default: 120, range: 0.1...100_000)
        agentStartBurst = try config.number("orch.agentStartBurst", default: 8, range: 1...10_000)
        terminalLogBytes = Int(try config.number("orch.terminalLogBytes", default: 1_048_576, range: 4096...1_073_741_824))
        pollSeconds = try config.number("orch.pollSeconds", default: 1, range: 0.01...60)
        needsInputSeconds = try config.number("orch.needsInputSeconds", default: 2, range: 0.1...600)
        taskTimeoutSeconds = try config.number("orch.taskTimeoutSeconds", default: 3600, range: 1...604_800)
        denyPatterns = Self.defaultDenyPatterns + config.all("orch.denyCommit")
        autoscaleMax = config.string("orch.autoscaleMax") == nil ? nil : Int(try config.number("orch.autoscaleMax", default: 0, range: 1...64))
        autoscaleMin = Int(try config.number("orch.autoscaleMin", default: 1, range: 0...64))
        idleStopSeconds = config.string("orch.idleStopSeconds") == nil ? nil : try config.number("orch.idleStopSeconds", default: 0, range: 1...86_400)
        offerMCP = try config.flag("orch.mcp", default: true)
        conflictSeconds = try config.number("orch.conflictSeconds", default: 30, range: 1...86_400)
        let missionTests = ProcessInfo.processInfo.environment["GIT_ORCH_TEST_COMMAND"].map { !$0.isEmpty } ?? false
        mergeQueue = try config.flag("orch.mergeQueue", default: config.string("orch.testCommand") != nil || missionTests)
        sandbox = try SandboxMode(config)
        handoffContextPercent = try config.number("orch.handoffContextPercent", default: 80, range: 1...100)
        handoffAfterTasks = config.string("orch.handoffAfterTasks") == nil ? nil : Int(try config.number("orch.handoffAfterTasks", default: 0, range: 1...100_000))
        project = try ProjectSetup.load(config)
        // Files copied from the user's checkout are the user's, never the team's work.
        denyPatterns += project.copyFiles
    }
}
