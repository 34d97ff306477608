/// The `{name}` placeholders a preset's arguments may contain.
enum AgentPlaceholder: String, CaseIterable, Sendable {
    case prompt, promptFile = "prompt_file", sessionID = "session_id", model, worktree, mcpConfig = "mcp_config"

    /// Every `{word}` in `text` whose word is lowercase letters and underscores: what a
    /// placeholder looks like, known or not (so a typo like `{promt}` is caught, not passed on).
    static func names(in text: String) -> [String] {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(where: { !($0 == "_" || ("a"..."z").contains($0)) }) else { break }
            if after[close] == "}" && close > after.startIndex { names.append(String(after[..<close])) }
            rest = after[close...]
        }
        return names
    }

    /// Replaces known placeholders in one pass, so a value that itself contains `{model}` (a
    /// prompt quoting a template, say) is never expanded again.
    static func substitute(_ text: String, _ values: [AgentPlaceholder: String]) -> String {
        guard text.contains("{") else { return text }
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "}"), let name = AgentPlaceholder(rawValue: String(after[..<close])),
               let value = values[name] {
                result += value
                rest = after[after.index(after: close)...]
            } else {
                result += "{"
                rest = after
            }
        }
        return result + rest
    }
}

extension AgentPreset {
    /// The argv for one run. The prompt text is only ever one argv element (never through a shell).
    /// Order: `command`, then `model` when a model is set, then `resume` (when resuming and the
    /// agent can) or `newSession`, then the prompt or prompt file when no placeholder took it.
    /// The caller writes the prompt to `promptFile` first when `usesPromptFile`.
    /// For agents that choose their own session id (codex), resume with `AgentReport.sessionID`.
    public func invocation(
        prompt: String, promptFile: String, sessionID: String, resuming: Bool, model: String?, worktree: String,
        mcpConfig: String? = nil
    ) -> AgentInvocation {
        var template = Array(command.dropFirst())
        if let model, !model.isEmpty { template += self.model }
        if let mcpConfig, !mcpConfig.isEmpty, let mcp { template += mcp }
        template += resuming ? (resume ?? newSession) : newSession
        let values: [AgentPlaceholder: String] = [
            .prompt: prompt, .promptFile: promptFile, .sessionID: sessionID, .model: model ?? "", .worktree: worktree,
            .mcpConfig: mcpConfig ?? "",
        ]
        var arguments = template.map { AgentPlaceholder.substitute($0, values) }
        let mentions = { (placeholder: AgentPlaceholder) in template.contains { $0.contains("{\(placeholder.rawValue)}") } }
        switch self.prompt {
        case .argument where !mentions(.prompt): arguments.append(prompt)
        case .file where !mentions(.promptFile): arguments.append(promptFile)
        default: break
        }
        return AgentInvocation(
            executable: AgentPlaceholder.substitute(command.first ?? "", values),
            arguments: arguments,
            standardInput: self.prompt == .stdin ? Array(prompt.utf8) : nil
        )
    }

    /// Whether a run reads the prompt from `promptFile`.
    public var usesPromptFile: Bool {
        prompt == .file || (command + newSession + (resume ?? []) + model).contains { $0.contains("{prompt_file}") }
    }
}
