/// A worker's colour: a name people say ("emerald") and the hex the dashboard paints with.
public struct WorkerColor: Sendable, Equatable, Codable {
    public var name: String
    public var hex: String
    /// The terminal background that goes with it.
    public var background: String

    public init(name: String, hex: String, background: String) {
        self.name = name
        self.hex = hex
        self.background = background
    }

    /// The first four are the product's signature colours; workers beyond the palette reuse it
    /// with a number (`indigo-2`).
    public static let palette: [WorkerColor] = [
        WorkerColor(name: "indigo", hex: "#6366f1", background: "#0d0d14"),
        WorkerColor(name: "emerald", hex: "#10b981", background: "#0a0f0d"),
        WorkerColor(name: "amber", hex: "#f59e0b", background: "#0f0e0a"),
        WorkerColor(name: "rose", hex: "#f43f5e", background: "#0f0a0c"),
        WorkerColor(name: "sky", hex: "#0ea5e9", background: "#0a0d0f"),
        WorkerColor(name: "violet", hex: "#8b5cf6", background: "#0e0a14"),
        WorkerColor(name: "lime", hex: "#84cc16", background: "#0c0f0a"),
        WorkerColor(name: "orange", hex: "#f97316", background: "#0f0c0a"),
        WorkerColor(name: "teal", hex: "#14b8a6", background: "#0a0f0e"),
        WorkerColor(name: "fuchsia", hex: "#d946ef", background: "#0f0a0f"),
        WorkerColor(name: "cyan", hex: "#06b6d4", background: "#0a0e0f"),
        WorkerColor(name: "red", hex: "#ef4444", background: "#0f0a0a"),
    ]

    /// The name and colour of the `index`-th worker (0-based).
    public static func slot(_ index: Int) -> (name: String, color: WorkerColor) {
        let color = palette[index % palette.count]
        let round = index / palette.count
        return (round == 0 ? color.name : "\(color.name)-\(round + 1)", color)
    }
}

/// Everything needed to (re)spawn a worker, as kept in `refs/orch/workers`: a restart, or another
/// clone, brings the same worker back from this record.
public struct WorkerRecord: Sendable, Equatable, Codable {
    public static let formatVersion = 1

    public var format: Int = WorkerRecord.formatVersion
    public var name: String
    public var color: WorkerColor
    /// An agent preset name (`claude`) or a command line (`mytool {prompt_file}`).
    public var agent: String
    /// Roles this worker takes tasks for; empty means any task.
    public var roles: [String]
    public var model: String?
    /// Spending limit in USD for this worker; nil means only the team budget applies.
    public var budgetUSD: Double?
    /// `orch/<name>`
    public var branch: String
    /// When the record was first written (ISO 8601).
    public var created: String
    /// Retired workers (scaled down) stay in the registry for the record but are not respawned.
    public var retired: Bool = false
    /// The agent CLI's own `--version` line, as found by the last start's preflight; nil when
    /// it gives none.
    public var agentVersion: String?
    /// A team on a remote: the machine (`orch.machine`, else the host name) that runs this worker.
    public var machine: String?

    public init(
        name: String, color: WorkerColor, agent: String, roles: [String] = [], model: String? = nil,
        budgetUSD: Double? = nil, created: Timestamp
    ) {
        self.name = name
        self.color = color
        self.agent = agent
        self.roles = roles
        self.model = model
        self.budgetUSD = budgetUSD
        self.branch = "orch/\(name)"
        self.created = created.iso8601
    }

    /// The roles a worker claims with; a task fits when it has no role or one of these.
    public func fits(_ task: Task) -> Bool {
        guard let wanted = task.role, !roles.isEmpty else { return true }
        return roles.contains(wanted)
    }
}
