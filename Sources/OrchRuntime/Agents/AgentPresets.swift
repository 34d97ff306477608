/// Finds agent presets: user presets first (git config `orch.agent.<name>.*` keys, then the
/// JSON file `.orch/agents.json`), then built-ins. The layers stack: git config fills in over
/// the file, which fills in over the built-in of the same name, so one key adjusts a built-in.
///
/// Git config, one key per field (argument lists split like a shell splits words):
///
///     git config orch.agent.mine.command "mytool --yes {prompt_file}"
///     git config orch.agent.mine.output plain        # claude-stream-json | codex-json | aider-text | plain
///     git config orch.agent.mine.prompt file         # argument | file | stdin; default from the placeholders
///     git config orch.agent.mine.newSession "--session {session_id}"
///     git config orch.agent.mine.resume "--continue {session_id}"   # "" = cannot resume
///     git config orch.agent.mine.model "--model {model}"
///     git config orch.agent.mine.inputPattern 'Continue\?\s*$'    # one regex; | for several
///     git config orch.agent.mine.contextWindow 200000
///     git config orch.agent.mine.inputPrice 3        # and outputPrice, cachedInputPrice: USD per million tokens
///
/// `.orch/agents.json`: `{"mine": {"command": ["mytool", "--yes", "{prompt_file}"], "output": "plain"}}`
/// with the fields of `AgentPreset` (argument lists as arrays or one string, `"resume": null`).
public enum AgentPresets {
    /// A name that matches nothing but contains a space or a `{` is a command line
    /// (`AgentPreset.command`). An unknown name is an error listing the known names.
    public static func resolve(_ name: String, gitConfig: [String: String], presetFile: String?) throws(AgentPresetError) -> AgentPreset {
        let configured = GitConfigPresets.entries(gitConfig)
        let filed = try FilePresets.load(presetFile)
        if configured[name] != nil || filed[name] != nil || AgentPreset.builtIn[name] != nil {
            return try layered(name, configured: configured, filed: filed, presetFile: presetFile)
        }
        if name.contains(" ") || name.contains("{") { return try AgentPreset.command(name) }
        let known = Set(configured.keys).union(filed.keys).union(AgentPreset.builtIn.keys).sorted()
        throw .unknownAgent(name: name, known: known)
    }

    /// Every preset, validated, sorted by name.
    public static func all(gitConfig: [String: String], presetFile: String?) throws(AgentPresetError) -> [AgentPreset] {
        let configured = GitConfigPresets.entries(gitConfig)
        let filed = try FilePresets.load(presetFile)
        var presets: [AgentPreset] = []
        for name in Set(configured.keys).union(filed.keys).union(AgentPreset.builtIn.keys).sorted() {
            presets.append(try layered(name, configured: configured, filed: filed, presetFile: presetFile))
        }
        return presets
    }

    private static func layered(
        _ name: String, configured: [String: [(variable: String, value: String, key: String)]],
        filed: [String: PresetFields], presetFile: String?
    ) throws(AgentPresetError) -> AgentPreset {
        var preset = AgentPreset.builtIn[name]
        var source = "built-in agent \(name)"
        if let fields = filed[name], let presetFile {
            source = "\(presetFile) (agent \"\(name)\")"
            preset = try fields.applied(to: preset, name: name, source: source)
        }
        if let entries = configured[name] {
            source = "git config \(GitConfigPresets.prefix)\(name)"
            preset = try GitConfigPresets.fields(entries).applied(to: preset, name: name, source: source)
        }
        guard let preset else { throw .unknownAgent(name: name, known: AgentPreset.builtIn.keys.sorted()) }
        return try preset.validated(source: source)
    }
}
