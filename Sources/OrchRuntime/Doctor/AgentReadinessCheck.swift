import Foundation

/// Whether an agent preset will run unattended here: its program is on PATH (as the workers will
/// look it up) and answers `--version`, it does not refuse to run as this user, and it has
/// credentials. Self-contained so a fuller agent preflight can replace it.
public enum AgentReadinessCheck {
    /// The checks for the agent `name` (a preset, or a command line) resolved to `preset`.
    public static func checks(agent name: String, preset: AgentPreset, environment: DoctorEnvironment,
                              probeVersion: Bool = true) -> [DoctorCheck] {
        let label = "agent \(name)"
        guard let program = preset.command.first else {
            return [.failed(label, "the preset has no command", fix: "give orch.agent.\(name).command a program")]
        }
        guard let path = environment.executable(program) else {
            return [.failed(label, "\(program) is not on PATH", fix: installHint(program))]
        }
        var checks: [DoctorCheck] = []
        let known = ["claude", "codex", "aider"].contains(programName(program))
        if probeVersion && known {
            if let result = DoctorProbe.run(path, ["--version"], seconds: 15), result.status == 0 {
                checks.append(.ok(label, "\(path), \(firstLine(result.output))"))
            } else {
                checks.append(.warning(label, "\(path) does not answer --version", fix: "run '\(path) --version' to see why; reinstall it if it fails"))
            }
        } else {
            checks.append(.ok(label, path))
        }
        checks.append(unattended(label: label, program: program, preset: preset, environment: environment))
        if let credentials = credentials(label: label, program: program, environment: environment) { checks.append(credentials) }
        return checks
    }

    /// Claude Code refuses `--dangerously-skip-permissions` as root unless told it runs in a
    /// sandbox (`IS_SANDBOX=1`, or its own bubblewrap mode).
    static func unattended(label: String, program: String, preset: AgentPreset, environment: DoctorEnvironment) -> DoctorCheck {
        let name = label + " unattended"
        let skipsPermissions = preset.command.contains("--dangerously-skip-permissions")
        if programName(program) == "claude" && skipsPermissions && environment.isRoot
            && environment.variables["IS_SANDBOX"] != "1" && !environment.isSet("CLAUDE_CODE_BUBBLEWRAP") {
            return .failed(name, "running as root: claude refuses --dangerously-skip-permissions",
                           fix: "run git orch as a regular user, or export IS_SANDBOX=1 when this machine is a disposable container")
        }
        return .ok(name, environment.isRoot ? "runs as root" : "runs as a regular user")
    }

    /// Where each known agent CLI takes its credentials from; nil for agents that need none.
    static func credentials(label: String, program: String, environment: DoctorEnvironment) -> DoctorCheck? {
        let name = label + " credentials"
        let variables: [String], files: [String], fix: String
        switch programName(program) {
        case "claude":
            variables = ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN", "CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX"]
            files = [(environment.variables["CLAUDE_CONFIG_DIR"] ?? environment.home + "/.claude") + "/.credentials.json"]
            fix = "export ANTHROPIC_API_KEY, or run 'claude' once and log in (~/.claude)"
        case "codex":
            variables = ["OPENAI_API_KEY", "CODEX_API_KEY"]
            files = [(environment.variables["CODEX_HOME"] ?? environment.home + "/.codex") + "/auth.json"]
            fix = "export OPENAI_API_KEY, or run 'codex login'"
        case "aider":
            variables = ["ANTHROPIC_API_KEY", "OPENAI_API_KEY", "GEMINI_API_KEY", "DEEPSEEK_API_KEY", "OPENROUTER_API_KEY"]
            files = [environment.home + "/.aider.conf.yml"]
            fix = "export the API key of your model's provider (e.g. ANTHROPIC_API_KEY or OPENAI_API_KEY), or write ~/.aider.conf.yml"
        default:
            return nil
        }
        if let variable = variables.first(where: environment.isSet) { return .ok(name, variable + " is set") }
        if let file = files.first(where: { FileManager.default.fileExists(atPath: $0) }) { return .ok(name, file) }
        return .warning(name, "none found (\(variables.joined(separator: ", ")) unset, no \(files.joined(separator: ", ")))", fix: fix)
    }

    static func installHint(_ program: String) -> String {
        switch programName(program) {
        case "claude": "install Claude Code (npm install -g @anthropic-ai/claude-code) or put claude on PATH; see docs/workers.md"
        case "codex": "install Codex CLI (npm install -g @openai/codex) or put codex on PATH; see docs/workers.md"
        case "aider": "install aider (python3 -m pip install aider-chat) or put aider on PATH"
        case "git-orch-run": "put git-orch's bin folder on PATH (./install.sh installs it in ~/.local/bin or /usr/local/bin)"
        default: "install \(program) or put it on PATH, or choose another agent with --agent"
        }
    }

    static func programName(_ program: String) -> String {
        program.split(separator: "/").last.map(String.init) ?? program
    }

    private static func firstLine(_ text: String) -> String {
        text.split(separator: "\n").first.map(String.init) ?? text
    }
}
