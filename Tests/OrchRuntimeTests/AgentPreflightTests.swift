import Foundation
import OrchRuntime
import OrchTestSupport
import Testing

/// Can an agent run here at all? Checked with real programs on a PATH of the test's own.
struct AgentPreflightTests {
    let folder = TemporaryDirectory("agent-preflight")

    /// A program named `name` in the test's bin directory that prints `version` for --version.
    func program(_ name: String, version: String) throws -> String {
        let bin = folder.path + "/bin"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let path = bin + "/" + name
        try "#!/bin/sh\n[ \"$1\" = --version ] && echo '\(version)' && exit 0\nexit 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return bin
    }

    @Test func aMissingAgentIsAProblemNamingItAndTheFix() throws {
        let claude = AgentPreset.builtIn["claude"]!
        let findings = AgentPreflight.check(.init(preset: claude, environment: ["PATH": folder.path + "/empty"], runsAsUID: 1000))
        #expect(findings.count == 1)
        #expect(findings[0].status == .problem)
        #expect(findings[0].description.hasPrefix("agent claude: claude not found on PATH; fix: install Claude Code"))
        #expect(findings[0].fix?.contains("git config orch.agent.claude.command") == true)
    }

    @Test func aFoundAgentReportsItsVersion() throws {
        let bin = try program("codex", version: "codex-cli 0.163.0")
        let findings = AgentPreflight.check(.init(preset: AgentPreset.builtIn["codex"]!, environment: ["PATH": bin], runsAsUID: 0))
        #expect(findings.map(\.status) == [.ok])
        #expect(findings[0].version == "codex-cli 0.163.0")
        #expect(findings[0].message == "codex codex-cli 0.163.0 at \(bin)/codex")
    }

    @Test func claudeAsRootIsRefusedUnlessItRunsSandboxedOrAsAnotherUser() throws {
        let bin = try program("claude", version: "2.1.0 (Claude Code)")
        let claude = AgentPreset.builtIn["claude"]!
        let asRoot = AgentPreflight.check(.init(preset: claude, environment: ["PATH": bin], runsAsUID: 0))
        let refusal = try #require(asRoot.first { $0.status == .problem })
        #expect(refusal.message.contains("refuses --dangerously-skip-permissions when run as root"))
        #expect(refusal.fix?.contains("non-root user") == true)
        // A sandbox that runs the agent as uid 1000, or a container that says it is one, passes.
        #expect(AgentPreflight.check(.init(preset: claude, environment: ["PATH": bin], runsAsUID: 1000)).allSatisfy { $0.status == .ok })
        #expect(AgentPreflight.check(.init(preset: claude, environment: ["PATH": bin, "IS_SANDBOX": "1"], runsAsUID: 0))
            .allSatisfy { $0.status == .ok })
        // Claude Code takes only "1": "yes" is refused like no value at all.
        #expect(AgentPreflight.check(.init(preset: claude, environment: ["PATH": bin, "IS_SANDBOX": "yes"], runsAsUID: 0))
            .contains { $0.status == .problem })
        // Root is fine for a preset that does not ask to skip permissions.
        var careful = claude
        careful.command.removeAll { $0 == "--dangerously-skip-permissions" }
        #expect(AgentPreflight.check(.init(preset: careful, environment: ["PATH": bin], runsAsUID: 0)).allSatisfy { $0.status == .ok })
    }

    @Test func aProgramWithoutAVersionIsStillFound() throws {
        let bin = try program("mytool", version: "x")
        try "#!/bin/sh\nexit 3\n".write(toFile: bin + "/mytool", atomically: true, encoding: .utf8)
        chmod(bin + "/mytool", 0o755)
        let preset = AgentPreset(name: "mine", command: ["mytool", "{prompt_file}"], prompt: .file, output: .plain)
        let findings = AgentPreflight.check(.init(preset: preset, environment: ["PATH": bin], runsAsUID: 0))
        #expect(findings.map(\.status) == [.ok])
        #expect(findings[0].version == nil)
    }
}
