extension AgentPreset {
    /// Claude Code, Codex CLI and aider, run unattended in a worker's worktree.
    public static let builtIn: [String: AgentPreset] = [
        "claude": claude, "codex": codex, "aider": aider, "scripted": scripted,
    ]

    /// git-orch's own scripted agent (`git orch demo`): performs the edits written in the task
    /// (see ScriptedAgent) and reports made-up token counts in aider's format, labelled as such.
    static let scripted = AgentPreset(
        name: "scripted",
        command: ["git-orch-run", "__scripted-agent", "{prompt_file}"],
        prompt: .file,
        output: .aiderText
    )

    /// `claude -p` (print mode) prints one JSON event per line; `--verbose` is required with
    /// stream-json in print mode. We choose the session UUID, so a restarted worker can resume.
    /// `--dangerously-skip-permissions` rather than `--permission-mode acceptEdits`: in print mode
    /// nobody can approve a tool call, and acceptEdits denies every shell command, so the agent
    /// could not build or run the tests. The worker is confined to its own worktree and branch,
    /// and only the merge queue, after the tests pass, moves main.
    /// The prompt is an argument, not stdin: on a pseudo-terminal claude does not read stdin.
    static let claude = AgentPreset(
        name: "claude",
        command: ["claude", "-p", "--output-format", "stream-json", "--verbose", "--dangerously-skip-permissions"],
        prompt: .argument,
        output: .claudeStreamJSON,
        newSession: ["--session-id", "{session_id}"],
        resume: ["--resume", "{session_id}"],
        model: ["--model", "{model}"],
        inputPatterns: genericInputPatterns,
        contextWindow: 200_000,
        // Sonnet's list price; the result line carries the real cost, this prices live progress.
        pricing: ModelPricing(inputPerMillion: 3, outputPerMillion: 15, cachedInputPerMillion: 0.3),
        mcp: ["--mcp-config", "{mcp_config}"],
        // Its login (refreshed tokens), settings and sessions.
        sandboxPaths: ["~/.claude", "~/.claude.json", "$CLAUDE_CONFIG_DIR"]
    )

    /// `codex exec --json` prints JSON events; `-s workspace-write` lets it edit and run commands
    /// inside its own sandbox (the worktree writable, no network) without approvals; `exec` never
    /// asks (`--full-auto` is gone since 0.163). `--skip-git-repo-check`: a worktree's `.git` is a
    /// file, and a custom command may run elsewhere. Its stdin is the terminal, which it does not
    /// read (a pipe it would read to EOF). Codex picks its own thread id (reported by
    /// `thread.started`), so it takes no session flag; `exec resume <id>` continues a thread and
    /// must come after the exec options. Its output has tokens but no cost: priced as gpt-5-codex.
    static let codex = AgentPreset(
        name: "codex",
        command: ["codex", "exec", "--json", "-s", "workspace-write", "--skip-git-repo-check"],
        prompt: .argument,
        output: .codexJSON,
        newSession: [],
        resume: ["resume", "{session_id}"],
        model: ["--model", "{model}"],
        inputPatterns: genericInputPatterns,
        contextWindow: 272_000,
        pricing: ModelPricing(inputPerMillion: 1.25, outputPerMillion: 10, cachedInputPerMillion: 0.125),
        // Codex takes its MCP servers as config overrides rather than a file.
        mcp: ["-c", #"mcp_servers.git-orch.command="git""#, "-c", #"mcp_servers.git-orch.args=["orch","mcp"]"#],
        sandboxPaths: ["$CODEX_HOME", "~/.codex"]
    )

    /// aider sends one message from the file and exits. `--yes-always` answers its confirmations,
    /// `--no-auto-commits` leaves committing to the worker, `--no-pretty` drops colours,
    /// `--no-gitignore` keeps it from editing the project's .gitignore (its `.aider*` files are
    /// the runner's to exclude). It prints its own cost; it cannot resume a session by id.
    static let aider = AgentPreset(
        name: "aider",
        command: [
            "aider", "--message-file", "{prompt_file}", "--yes-always", "--no-auto-commits", "--no-pretty",
            "--no-gitignore", "--no-check-update", "--no-show-release-notes",
        ],
        prompt: .file,
        output: .aiderText,
        newSession: [],
        resume: nil,
        model: ["--model", "{model}"],
        inputPatterns: [#"\(Y\)es/\(N\)o"#] + genericInputPatterns,
        // Its settings files and its cache and analytics folder.
        sandboxPaths: ["~/.aider.conf.yml", "~/.aider.model.settings.yml", "~/.aider.model.metadata.json", "~/.aider", "~/.env"]
    )

    /// Prompts that mean "waiting for an answer" in most CLIs: `[y/N]`, `(yes/no)`, a question,
    /// "press enter". Only meaningful when the agent is also idle, which the runner checks.
    static let genericInputPatterns = [
        #"\[[yY](es)?/[nN]o?\]\s*:?\s*$"#,
        #"\([yY](es)?/[nN]o?\)\s*:?\s*$"#,
        #"\?\s*$"#,
        #"(?i)press (enter|return)"#,
        #"(?i)password:\s*$"#,
    ]
}
