#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ProcessKit

/// One thing the preflight found about an agent: fine, or a problem with its fix.
public struct PreflightFinding: Sendable, Equatable, CustomStringConvertible {
    public enum Status: String, Sendable { case ok, problem }

    public var status: Status
    /// The preset's name (`claude`).
    public var agent: String
    /// What was checked and found, e.g. "claude 2.1.3 at /usr/local/bin/claude".
    public var message: String
    /// What to do about a problem.
    public var fix: String?
    /// The CLI's `--version` line, on the finding that located it.
    public var version: String?

    public init(_ status: Status, agent: String, message: String, fix: String? = nil, version: String? = nil) {
        self.status = status
        self.agent = agent
        self.message = message
        self.fix = fix
        self.version = version
    }

    /// One line: "agent claude: MESSAGE; fix: FIX".
    public var description: String {
        "agent \(agent): \(message)" + (fix.map { "; fix: \($0)" } ?? "")
    }
}

/// Before a worker claims anything: can its agent run here at all? A missing program, or a CLI that
/// refuses to start as this user, would otherwise fail every task it is given. `git orch start`
/// stops on the first problem; `git orch doctor` lists every finding.
public enum AgentPreflight {
    /// What the check needs besides the preset.
    public struct Input: Sendable {
        public var preset: AgentPreset
        /// The environment the agent gets (PATH decides which program runs); nil: ours.
        public var environment: [String: String]
        /// The uid the agent runs as; nil: ours (a sandbox may run it as another user).
        public var runsAsUID: UInt32?
        /// Run `--version` (a child process, at most `versionTimeout` seconds).
        public var probeVersion: Bool
        public var versionTimeout: Double

        public init(preset: AgentPreset, environment: [String: String]? = nil,
                    runsAsUID: UInt32? = nil, probeVersion: Bool = true, versionTimeout: Double = 15) {
            self.preset = preset
            self.environment = environment ?? ProcessInfo.processInfo.environment
            self.runsAsUID = runsAsUID
            self.probeVersion = probeVersion
            self.versionTimeout = versionTimeout
        }
    }

    /// The programs whose `--version` is asked for: the built-in presets' CLIs.
    static let versionedCLIs: Set<String> = ["claude", "codex", "aider"]

    public static func check(_ input: Input) -> [PreflightFinding] {
        let preset = input.preset
        let program = preset.command.first ?? ""
        guard let path = locate(program, path: input.environment["PATH"] ?? "") else {
            return [PreflightFinding(.problem, agent: preset.name, message: "\(program) not found" + (program.contains("/") ? "" : " on PATH"),
                                     fix: installHint(preset) + ", or point the preset at it: git config orch.agent.\(preset.name).command \"/path/to/\(program) ...\"")]
        }
        var findings: [PreflightFinding] = []
        // Only the agent CLIs we know answer `--version` without doing anything else: a user's own
        // command might take it as work to do, in the user's checkout and unconfined.
        let known = versionedCLIs.contains(String(program.split(separator: "/").last ?? ""))
        let version = input.probeVersion && known ? self.version(of: path, environment: input.environment, timeout: input.versionTimeout) : nil
        findings.append(PreflightFinding(.ok, agent: preset.name, message: (version.map { "\(program) \($0)" } ?? program) + " at \(path)",
                                         version: version))
        if let refusal = rootRefusal(input) { findings.append(refusal) }
        return findings
    }

    /// Claude Code refuses `--dangerously-skip-permissions` as root ("cannot be used with
    /// root/sudo privileges") unless told it runs in a sandbox: IS_SANDBOX exactly "1", or
    /// CLAUDE_CODE_BUBBLEWRAP set (its own check, read in Claude Code 2.1).
    static func rootRefusal(_ input: Input) -> PreflightFinding? {
        let preset = input.preset
        guard (input.runsAsUID ?? getuid()) == 0, preset.command.contains("--dangerously-skip-permissions") else { return nil }
        if input.environment["IS_SANDBOX"] == "1" || !(input.environment["CLAUDE_CODE_BUBBLEWRAP"] ?? "").isEmpty { return nil }
        return PreflightFinding(
            .problem, agent: preset.name,
            message: "\(preset.command.first ?? preset.name) refuses --dangerously-skip-permissions when run as root, so every task would fail",
            fix: "run git orch as a non-root user, or set IS_SANDBOX=1 if this machine or container is itself a sandbox")
    }

    static func installHint(_ preset: AgentPreset) -> String {
        switch preset.command.first {
        case "claude": "install Claude Code (npm install -g @anthropic-ai/claude-code)"
        case "codex": "install the Codex CLI (npm install -g @openai/codex)"
        case "aider": "install aider (python3 -m pip install aider-chat)"
        default: "install \(preset.command.first ?? preset.name)"
        }
    }

    /// The executable `program` names: a path as given, else the first match on `path`.
    public static func locate(_ program: String, path: String) -> String? {
        guard !program.isEmpty else { return nil }
        if program.contains("/") { return access(program, X_OK) == 0 ? program : nil }
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(program)"
            var info = stat()
            if stat(candidate, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// `program --version`'s first non-empty line when it exits 0 in time.
    static func version(of program: String, environment: [String: String], timeout: Double) -> String? {
        let output = NSTemporaryDirectory() + "git-orch-version-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(output) }
        var options = ProcessSpawner.Options()
        options.environment = environment
        options.stdin = .null
        options.stdout = .path(output, flags: O_WRONLY | O_CREAT | O_TRUNC)
        options.stderr = .null
        options.newSession = true
        guard let pid = try? ProcessSpawner.spawn(program, ["--version"], options) else { return nil }
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32?
        while status == nil {
            status = ProcessSpawner.wait(pid, block: false)
            if status == nil {
                if Date() > deadline {
                    kill(-pid, SIGKILL)
                    _ = ProcessSpawner.wait(pid, block: true)
                    return nil
                }
                usleep(20_000)
            }
        }
        guard status == 0, let text = try? String(contentsOfFile: output, encoding: .utf8) else { return nil }
        let line = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
        return line.map { String($0.prefix(120)) }
    }
}
