import Foundation
import GitKit
import OrchRuntime
import OrchTestSupport
import Testing

/// The doctor's checks one by one, with the environment given rather than this machine's.
@Suite struct DoctorCheckTests {
    /// A PATH holding one executable named `name` (a shell script that prints a version).
    static func pathWith(_ names: [String]) throws -> TemporaryDirectory {
        let folder = TemporaryDirectory("git-orch-path")
        for name in names {
            try "#!/bin/sh\necho \"\(name) 1.2.3\"\n".write(toFile: folder.file(name), atomically: true, encoding: .utf8)
            chmod(folder.file(name), 0o755)
        }
        return folder
    }

    static func environment(path: String, root: Bool = false, home: String = "/nonexistent", _ extra: [String: String] = [:]) -> DoctorEnvironment {
        DoctorEnvironment(variables: ["PATH": path].merging(extra) { $1 }, isRoot: root, home: home)
    }

    @Test func anAgentMissingFromPathFailsNamingItAndHowToInstallIt() throws {
        let empty = TemporaryDirectory("git-orch-path")
        let preset = try #require(AgentPreset.builtIn["claude"])
        let checks = AgentReadinessCheck.checks(agent: "claude", preset: preset, environment: Self.environment(path: empty.path))
        #expect(checks.count == 1)
        #expect(checks[0].status == .failed && checks[0].name == "agent claude")
        #expect(checks[0].detail == "claude is not on PATH")
        #expect(checks[0].fix?.contains("install Claude Code") == true)
    }

    @Test func claudeAsRootNeedsToBeToldItIsSandboxed() throws {
        let bin = try Self.pathWith(["claude"])
        let preset = try #require(AgentPreset.builtIn["claude"])
        let asRoot = AgentReadinessCheck.checks(agent: "claude", preset: preset, environment: Self.environment(path: bin.path, root: true))
        try #require(asRoot.map(\.name) == ["agent claude", "agent claude unattended", "agent claude credentials"])
        #expect(asRoot[0].status == .ok && asRoot[0].detail.hasSuffix("claude 1.2.3"), "\(asRoot[0])")
        #expect(asRoot[1].status == .failed && asRoot[1].detail.contains("root"))
        #expect(asRoot[1].fix?.contains("IS_SANDBOX=1") == true)
        let sandboxed = AgentReadinessCheck.checks(agent: "claude", preset: preset, environment: Self.environment(path: bin.path, root: true, ["IS_SANDBOX": "1"]))
        #expect(sandboxed.count == 3 && sandboxed[1].status == .ok)
        let user = AgentReadinessCheck.checks(agent: "claude", preset: preset, environment: Self.environment(path: bin.path))
        #expect(user.count == 3 && user[1].status == .ok)
        // Another agent as root is fine: only claude refuses.
        let codexBin = try Self.pathWith(["codex"])
        let codex = AgentReadinessCheck.checks(agent: "codex", preset: try #require(AgentPreset.builtIn["codex"]),
                                               environment: Self.environment(path: codexBin.path, root: true))
        #expect(codex.count == 3 && codex[1].status == .ok, "\(codex)")
    }

    @Test func credentialsComeFromTheEnvironmentOrTheAgentsLogin() throws {
        let bin = try Self.pathWith(["claude", "codex"])
        let home = TemporaryDirectory("git-orch-home")
        let claude = try #require(AgentPreset.builtIn["claude"])
        let codex = try #require(AgentPreset.builtIn["codex"])
        func credentials(_ name: String, _ preset: AgentPreset, _ extra: [String: String] = [:]) -> DoctorCheck? {
            AgentReadinessCheck.checks(agent: name, preset: preset, environment: Self.environment(path: bin.path, home: home.path, extra), probeVersion: false).last
        }
        #expect(credentials("claude", claude)?.status == .warning)
        #expect(credentials("claude", claude)?.fix?.contains("ANTHROPIC_API_KEY") == true)
        #expect(credentials("claude", claude, ["ANTHROPIC_API_KEY": "sk-test"])?.status == .ok)
        #expect(credentials("codex", codex)?.fix?.contains("codex login") == true)
        try FileManager.default.createDirectory(atPath: home.file(".codex"), withIntermediateDirectories: true)
        try "{}".write(toFile: home.file(".codex/auth.json"), atomically: true, encoding: .utf8)
        #expect(credentials("codex", codex)?.status == .ok)
        #expect(credentials("codex", codex)?.detail.hasSuffix(".codex/auth.json") == true)
        // A command-line agent needs no credentials we know of.
        let command = try AgentPreset.command("/bin/sh -c true {prompt_file}")
        #expect(AgentReadinessCheck.checks(agent: "mine", preset: command, environment: Self.environment(path: "/bin")).map(\.name) == ["agent mine", "agent mine unattended"])
    }

    @Test func theTestCommandIsSetFoundOrProposed() throws {
        let project = TemporaryDirectory("git-orch-project")
        let environment = Self.environment(path: "/usr/bin:/bin")
        let unset = TestCommandCheck.check(config: RuntimeConfig(), root: project.path, environment: environment)
        #expect(unset.status == .warning && unset.fix == "git config orch.testCommand 'COMMAND'")
        try "[package]\n".write(toFile: project.file("Cargo.toml"), atomically: true, encoding: .utf8)
        let proposed = TestCommandCheck.check(config: RuntimeConfig(), root: project.path, environment: environment)
        #expect(proposed.detail.contains("'cargo test' (from Cargo.toml)") && proposed.fix?.contains("git orch init --yes") == true)
        let found = TestCommandCheck.check(config: RuntimeConfig(values: ["orch.testCommand": ["CI=1 sh tests/run.sh"]]), root: project.path, environment: environment)
        #expect(found.status == .ok)
        let missing = TestCommandCheck.check(config: RuntimeConfig(values: ["orch.testCommand": ["no-such-runner --all"]]), root: project.path, environment: environment)
        #expect(missing.status == .warning && missing.detail.contains("no-such-runner is not found"))
    }

    @Test func aRemoteThatDoesNotCarryTheStateIsNamedWithTheCommandThatFixesIt() throws {
        let repo = try TemporaryRepository()
        let repository = try repo.open()
        #expect(RepositoryChecks.remote(repository, config: RuntimeConfig()).status == .ok)
        try repo.git("remote", "add", "origin", "https://example.invalid/x.git")
        let plain = RepositoryChecks.remote(try repo.open(), config: RuntimeConfig())
        #expect(plain.status == .warning && plain.fix == "git orch remote setup origin")
        try repo.git("config", "--add", "remote.origin.fetch", "+refs/orch/*:refs/orch-remotes/origin/*")
        #expect(RepositoryChecks.remote(try repo.open(), config: RuntimeConfig()).status == .ok)
        let named = RepositoryChecks.remote(try repo.open(), config: RuntimeConfig(values: ["orch.remote": ["upstream"]]))
        #expect(named.status == .warning && named.detail.contains("'upstream'"))
    }

    @Test func theSandboxProbeSaysWhatIsMissing() throws {
        let empty = TemporaryDirectory("git-orch-path")
        let none = SandboxAvailabilityCheck.check(required: false, environment: Self.environment(path: empty.path))
        #expect(none.status == .warning && none.fix?.contains("bubblewrap") == true)
        #expect(SandboxAvailabilityCheck.check(required: true, environment: Self.environment(path: empty.path)).status == .failed)
        // A bwrap that cannot make a user namespace (a stand-in that fails as bwrap does).
        let fake = TemporaryDirectory("git-orch-path")
        try "#!/bin/sh\necho 'bwrap: setting up uid map: Permission denied' >&2\nexit 1\n".write(toFile: fake.file("bwrap"), atomically: true, encoding: .utf8)
        chmod(fake.file("bwrap"), 0o755)
        let denied = SandboxAvailabilityCheck.check(required: false, environment: Self.environment(path: fake.path))
        #expect(denied.status == .warning && denied.detail.contains("Permission denied"), "\(denied)")
    }

    @Test func unknownEntriesInTheOrchFolderAreNamed() throws {
        let project = TemporaryDirectory("git-orch-project")
        #expect(RepositoryChecks.orchFolder(root: project.path).status == .ok)
        try FileManager.default.createDirectory(atPath: project.file(".orch/Skills"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: project.file(".orch/roles"), withIntermediateDirectories: true)
        let check = RepositoryChecks.orchFolder(root: project.path)
        #expect(check.status == .warning && check.detail.contains(".orch/Skills/") && check.detail.contains(".orch/skills"), "\(check)")
    }
}
