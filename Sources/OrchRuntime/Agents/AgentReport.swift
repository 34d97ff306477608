/// What one agent run reported about itself: session, cost, tokens, outcome.
public struct AgentReport: Sendable, Equatable, Codable {
    public var sessionID: String?
    /// From the output, or from pricing x tokens when the output has none; nil when neither.
    public var costUSD: Double?
    /// Fresh input tokens, not counting `cachedTokens`.
    public var inputTokens: Int
    public var outputTokens: Int
    /// Input tokens written to or read from the provider's prompt cache.
    public var cachedTokens: Int
    /// The latest turn's prompt size (input + cache tokens of the last assistant message / turn),
    /// for automatic handoff; nil when the output does not say.
    public var contextTokens: Int?
    /// The model's context window as the agent reports it (claude's `modelUsage.<model>.contextWindow`);
    /// nil when it does not say, and the preset's `contextWindow` applies.
    public var contextWindow: Int?
    /// The agent's final message.
    public var resultText: String?
    /// The agent itself reported failure.
    public var isError: Bool
    public var errorMessage: String?
    public var turns: Int?

    public init(
        sessionID: String? = nil, costUSD: Double? = nil, inputTokens: Int = 0, outputTokens: Int = 0,
        cachedTokens: Int = 0, contextTokens: Int? = nil, resultText: String? = nil, isError: Bool = false,
        errorMessage: String? = nil, turns: Int? = nil
    ) {
        self.sessionID = sessionID
        self.costUSD = costUSD
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedTokens = cachedTokens
        self.contextTokens = contextTokens
        self.resultText = resultText
        self.isError = isError
        self.errorMessage = errorMessage
        self.turns = turns
    }
}
