/// The fields one layer of user configuration sets for a preset; nil leaves the layer below
/// (the built-in of the same name, or the defaults) as it is.
struct PresetFields: Sendable {
    static let names = ["command", "prompt", "output", "newSession", "resume", "model", "inputPatterns", "contextWindow", "pricing", "sandboxPaths"]

    var command: [String]?
    var prompt: PromptDelivery?
    var output: AgentOutputFormat?
    var newSession: [String]?
    /// `.some(nil)`: this layer says the agent cannot resume.
    var resume: [String]??
    var model: [String]?
    var inputPatterns: [String]?
    var contextWindow: Int??
    var pricing: ModelPricing??
    var sandboxPaths: [String]?

    /// This layer on top of `base`. Without a base the command is required, the prompt goes where
    /// the command's placeholders say (stdin when none), and the output is plain text.
    func applied(to base: AgentPreset?, name: String, source: String) throws(AgentPresetError) -> AgentPreset {
        guard let command = command ?? base?.command else { throw .emptyCommand(source: source, field: "command") }
        let everything = command + (newSession ?? []) + ((resume ?? nil) ?? [])
        let derivedPrompt: PromptDelivery =
            everything.contains { $0.contains("{prompt}") } ? .argument
            : everything.contains { $0.contains("{prompt_file}") } ? .file : .stdin
        return AgentPreset(
            name: name,
            command: command,
            prompt: prompt ?? base?.prompt ?? derivedPrompt,
            output: output ?? base?.output ?? .plain,
            newSession: newSession ?? base?.newSession ?? [],
            resume: resume ?? base?.resume,
            model: model ?? base?.model ?? [],
            inputPatterns: inputPatterns ?? base?.inputPatterns ?? AgentPreset.genericInputPatterns,
            contextWindow: contextWindow ?? base?.contextWindow,
            pricing: pricing ?? base?.pricing,
            // Not a user field: a preset layered over a built-in keeps its way of taking MCP.
            mcp: base?.mcp,
            sandboxPaths: sandboxPaths ?? base?.sandboxPaths ?? []
        )
    }

    var isEmpty: Bool {
        command == nil && prompt == nil && output == nil && newSession == nil && resume == nil && model == nil
            && inputPatterns == nil && contextWindow == nil && pricing == nil && sandboxPaths == nil
    }
}
