/// The catalog's value types: roles (agent templates), missions (team presets) and skills
/// (tools a task may need). Loading and validation of files live in OrchCatalog.

public enum RoleKind: String, Sendable, Codable, CaseIterable {
    case code, coordination
}

/// Model strength; missions map each role to one.
public enum ModelTier: String, Sendable, Codable, CaseIterable, Comparable {
    case cheap, balanced, strong

    public static func < (lhs: ModelTier, rhs: ModelTier) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

public enum Capability: String, Sendable, Codable, CaseIterable {
    case writesCode = "writes-code"
    case readsTests = "reads-tests"
    case runsTests = "runs-tests"
    case readsDocs = "reads-docs"
    case writesDocs = "writes-docs"
    case gitOperations = "git-operations"
    case fileSystem = "file-system"
    case database
    case browser
    case network
}

public struct Role: Sendable, Equatable, Encodable {
    public var id: String
    public var title: String
    public var kind: RoleKind
    public var capabilities: [Capability]
    /// File-ownership globs.
    public var owns: [String]
    public var modelTier: ModelTier
    /// Whether a mission may give this role a stronger model than its default (critical-path work).
    public var mayEscalate: Bool
    /// The agent profile naming this role's core skills.
    public var skillsProfile: String
    public var aliases: [String]
    /// The Markdown prompt after the front matter.
    public var prompt: String
    /// Where it was loaded from.
    public var source: String

    public init(
        id: String, title: String, kind: RoleKind, capabilities: [Capability], owns: [String], modelTier: ModelTier,
        mayEscalate: Bool, skillsProfile: String, aliases: [String], prompt: String, source: String
    ) {
        self.id = id
        self.title = title
        self.kind = kind
        self.capabilities = capabilities
        self.owns = owns
        self.modelTier = modelTier
        self.mayEscalate = mayEscalate
        self.skillsProfile = skillsProfile
        self.aliases = aliases
        self.prompt = prompt
        self.source = source
    }
}

public struct Mission: Sendable, Equatable, Encodable {
    public struct Member: Sendable, Equatable, Codable {
        public var role: String
        public var count: Int
    }

    public struct StartingTask: Sendable, Equatable, Codable {
        public var ref: String
        public var title: String
        public var role: String?
        public var priority: Int?
        public var after: [String]?
        public var body: String?
    }

    public var id: String
    public var title: String
    public var description: String
    public var team: [Member]
    public var maxConcurrency: Int
    public var budgetUSD: Double
    public var models: [String: ModelTier]
    public var testCommand: String
    public var startingTasks: [StartingTask]
    public var source: String
    /// Project setup for new worktrees (optional; git config `orch.setupCommand`,
    /// `orch.copyFiles`, `orch.portRange` win over these).
    public var setupCommand: String?
    public var copyFiles: [String] = []
    public var portRange: Int?

    public init(
        id: String, title: String, description: String, team: [Member], maxConcurrency: Int, budgetUSD: Double,
        models: [String: ModelTier], testCommand: String, startingTasks: [StartingTask], source: String
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.team = team
        self.maxConcurrency = maxConcurrency
        self.budgetUSD = budgetUSD
        self.models = models
        self.testCommand = testCommand
        self.startingTasks = startingTasks
        self.source = source
    }

    public var teamSize: Int { team.reduce(0) { $0 + $1.count } }
}

public struct Skill: Sendable, Equatable, Encodable {
    public enum Handler: Sendable, Equatable, Encodable {
        case command([String])
        case prompt(String)

        private enum Keys: String, CodingKey { case type, argv, instructions }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            switch self {
            case .command(let argv):
                try container.encode("command", forKey: .type)
                try container.encode(argv, forKey: .argv)
            case .prompt(let instructions):
                try container.encode("prompt", forKey: .type)
                try container.encode(instructions, forKey: .instructions)
            }
        }
    }

    public var id: String
    public var name: String
    public var version: String
    public var description: String
    public var shortDescription: String
    public var triggerExamples: [String]
    public var tags: [String]
    public var category: String
    public var requires: [String]
    public var conflicts: [String]
    public var enhancedBy: [String]
    public var sideEffects: [String]
    public var idempotent: Bool
    public var requiresConfirmation: Bool
    public var handler: Handler
    public var source: String

    public init(
        id: String, name: String, version: String, description: String, shortDescription: String,
        triggerExamples: [String], tags: [String], category: String, requires: [String], conflicts: [String],
        enhancedBy: [String], sideEffects: [String], idempotent: Bool, requiresConfirmation: Bool,
        handler: Handler, source: String
    ) {
        self.id = id
        self.name = name
        self.version = version
        self.description = description
        self.shortDescription = shortDescription
        self.triggerExamples = triggerExamples
        self.tags = tags
        self.category = category
        self.requires = requires
        self.conflicts = conflicts
        self.enhancedBy = enhancedBy
        self.sideEffects = sideEffects
        self.idempotent = idempotent
        self.requiresConfirmation = requiresConfirmation
        self.handler = handler
        self.source = source
    }
}

/// A problem found in a catalog file, named by file and field so it can be fixed.
public struct CatalogIssue: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var field: String?
    public var message: String

    public init(file: String, field: String?, message: String) {
        self.file = file
        self.field = field
        self.message = message
    }

    public var description: String { field.map { "\(file): \($0): \(message)" } ?? "\(file): \(message)" }
}
