import Foundation

/// Whether an agent preset will run unattended here: the agent preflight (`AgentPreflight`: its
/// program found as the workers will look it up, its `--version`, no refusal to run as the uid it
/// gets), as doctor lines, plus whether it has credentials.
public enum AgentReadinessCheck {
    /// The checks for the agent `name` (a preset, or a command line) resolved to `preset`.
    /// `confined`: the agent will run in the sandbox, as a non-root uid.
    public static func checks(agent name: String, preset: AgentPreset, environment: DoctorEnvironment,
                              probeVersion: Bool = true, confined: Bool = false) -> [DoctorCheck] {
        let label = "agent \(name)"
        guard let program = preset.command.first else {
            return [.failed(label, "the preset has no command", fix: "give orch.agent.\(name).command a program")]
        }
        guard let path = environment.executable(program) else {
            return [.failed(label, "\(program) is not on PATH", fix: installHint(program))]
        }
        let known = ["claude", "codex", "aider"].contains(programName(program))
        // Root only when the environment says so and no sandbox maps the agent to another user.
        let uid: UInt32 = environment.isRoot && !confined ? 0 : SandboxIdentity.current.uid
        let findings = AgentPreflight.check(AgentPreflight.Input(
            preset: preset, environment: environment.variables, runsAsUID: uid, probeVersion: probeVersion && known))
        var checks: [DoctorCheck] = []
        if probeVersion && known {
            if let version = findings.compactMap(\.version).first {
                checks.append(.ok(label, "\(path), \(version)"))
            } else {
                checks.append(.warning(label, "\(path) does not answer --version", fix: "run '\(path) --version' to see why; reinstall it if it fails"))
            }
        } else {
            checks.append(.ok(label, path))
        }
        if let refusal = findings.first(where: { $0.status == .problem }) {
            checks.append(.failed(label + " unattended", refusal.message, fix: refusal.fix ?? "see docs/workers.md"))
        } else {
            checks.append(.ok(label + " unattended", confined ? "runs in the sandbox as uid \(uid)" : environment.isRoot ? "runs as root" : "runs as a regular user"))
        }
        if let credentials = credentials(label: label, program: program, environment: environment) { checks.append(credentials) }
        return checks
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
