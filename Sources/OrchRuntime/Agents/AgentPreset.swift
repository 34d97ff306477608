/// How the prompt reaches the agent.
public enum PromptDelivery: String, Codable, Sendable, CaseIterable {
    /// One argv element: where a `{prompt}` placeholder stands, else appended last.
    case argument
    /// A file path: where a `{prompt_file}` placeholder stands, else appended last.
    case file
    /// Written to the agent's standard input, which is then closed.
    case stdin
}

/// How to read cost, tokens, session and result from an agent's output.
public enum AgentOutputFormat: String, Codable, Sendable, CaseIterable {
    case claudeStreamJSON = "claude-stream-json", codexJSON = "codex-json", aiderText = "aider-text", plain
}

/// USD per million tokens.
public struct ModelPricing: Codable, Sendable, Equatable {
    public var inputPerMillion: Double
    public var outputPerMillion: Double
    /// Cache reads are much cheaper than fresh input; nil charges them at the input price, which
    /// overstates the cost rather than letting a budget be overrun.
    public var cachedInputPerMillion: Double?

    public init(inputPerMillion: Double, outputPerMillion: Double, cachedInputPerMillion: Double? = nil) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
        self.cachedInputPerMillion = cachedInputPerMillion
    }

    /// `inputTokens` excludes the cached ones, as in `AgentReport`.
    public func cost(inputTokens: Int, outputTokens: Int, cachedTokens: Int) -> Double {
        (Double(inputTokens) * inputPerMillion + Double(outputTokens) * outputPerMillion
            + Double(cachedTokens) * (cachedInputPerMillion ?? inputPerMillion)) / 1_000_000
    }
}

/// How to run one agent CLI non-interactively: data, so a user can add or adjust an agent in git
/// config or `.orch/agents.json` without a new release.
public struct AgentPreset: Codable, Sendable, Equatable {
    public var name: String
    /// argv template, first element the executable (a name looked up on PATH, or a path).
    /// Placeholders, replaced inside any argument: {prompt} {prompt_file} {session_id} {model} {worktree}
    public var command: [String]
    /// How the prompt reaches the agent.
    public var prompt: PromptDelivery
    /// How to read cost/tokens/session/result from its output.
    public var output: AgentOutputFormat
    /// Added for a fresh session, e.g. claude `["--session-id", "{session_id}"]`.
    public var newSession: [String]
    /// Added instead when resuming, e.g. claude `["--resume", "{session_id}"]`; nil = cannot resume.
    public var resume: [String]?
    /// Added when a model is set, e.g. `["--model", "{model}"]`.
    public var model: [String]
    /// Regexes (NSRegularExpression syntax) matched on the last non-empty output line: the agent
    /// waits for input.
    public var inputPatterns: [String]
    /// Tokens; for automatic handoff.
    public var contextWindow: Int?
    /// Used when the output carries no cost.
    public var pricing: ModelPricing?
    /// Added when the worker offers git-orch's MCP server (`git orch mcp`) to the agent;
    /// `{mcp_config}` is the path of an MCP client configuration naming it. nil: not offered.
    public var mcp: [String]?
    /// Where the CLI keeps its login and settings (`~/.claude`, `$CODEX_HOME`): bound read-write
    /// into the sandbox, where nothing else of the user's home is visible. `~/` is the user's
    /// home, `$NAME` an environment variable (skipped when unset); missing paths are skipped.
    public var sandboxPaths: [String] = []

    public init(
        name: String, command: [String], prompt: PromptDelivery, output: AgentOutputFormat,
        newSession: [String] = [], resume: [String]? = nil, model: [String] = [], inputPatterns: [String] = [],
        contextWindow: Int? = nil, pricing: ModelPricing? = nil, mcp: [String]? = nil, sandboxPaths: [String] = []
    ) {
        self.mcp = mcp
        self.sandboxPaths = sandboxPaths
        self.name = name
        self.command = command
        self.prompt = prompt
        self.output = output
        self.newSession = newSession
        self.resume = resume
        self.model = model
        self.inputPatterns = inputPatterns
        self.contextWindow = contextWindow
        self.pricing = pricing
    }

    public var canResume: Bool { resume != nil }
}

/// One run of an agent: what to exec, never through a shell.
public struct AgentInvocation: Sendable, Equatable {
    public var executable: String
    public var arguments: [String]
    /// The prompt, when delivered on stdin.
    public var standardInput: [UInt8]?

    public init(executable: String, arguments: [String], standardInput: [UInt8]? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.standardInput = standardInput
    }
}
