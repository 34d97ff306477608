import Foundation
import OrchTestSupport
import Testing

/// `git orch doctor` on real repositories, with a PATH chosen by the test.
@Suite struct DoctorTests {
    /// A PATH with git and the built binaries (git-orch-run is the scripted agent), and no agent CLI.
    static func pathWithoutAgents() throws -> (TemporaryDirectory, String) {
        let bin = TemporaryDirectory("git-orch-path")
        for tool in ["git", "sh"] {
            let found = try #require(TestDependency.executablePath(tool))
            try FileManager.default.createSymbolicLink(atPath: bin.file(tool), withDestinationPath: found)
        }
        let binaries = URL(fileURLWithPath: OrchBinary.path).deletingLastPathComponent().path
        return (bin, "\(bin.path):\(binaries)")
    }

    static func readyRepository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        #expect(try repo.orch("init").status == 0)
        try repo.git("config", "orch.testCommand", "sh -c true")
        return repo
    }

    @Test func aMissingAgentFailsTheDoctorAndNamesIt() throws {
        let repo = try Self.readyRepository()
        let (bin, path) = try Self.pathWithoutAgents()
        let result = try Run.orch(["doctor", "--agent", "claude"], in: repo.path, environment: ["PATH": path])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let line = try #require(result.stdoutLines.first { $0.contains("agent claude") })
        #expect(line.hasPrefix("FAILED") && line.contains("claude is not on PATH") && line.contains("install Claude Code"), "\(line)")
        #expect(result.stdoutLines.last == "git orch start would fail: 1 problem above")
        _ = bin
    }

    @Test func aReadyRepositoryWithTheScriptedAgentPasses() throws {
        let repo = try Self.readyRepository()
        let (bin, path) = try Self.pathWithoutAgents()
        let result = try Run.orch(["doctor", "--agent", "scripted"], in: repo.path, environment: ["PATH": path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdoutLines.last?.hasPrefix("ready: git orch start can run") == true, "\(result.stdout)")
        for name in ["git", "libgit2", "repository", "graph", "main branch", "settings", "team", "agent scripted", "test command", "hooks", "remote", "sandbox", "disk"] {
            #expect(result.stdoutLines.contains { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().joined(separator: " ").hasPrefix(name) },
                    "no \(name) line in \(result.stdout)")
        }
        // Hooks are not installed: a warning that says how, not a failure.
        #expect(result.stdoutLines.contains { $0.hasPrefix("warning") && $0.contains("-> git orch hooks install") })
        _ = bin
    }

    @Test func jsonListsEveryCheckAndAFreshRepositoryNeedsInit() throws {
        let repo = try TemporaryRepository()
        let (bin, path) = try Self.pathWithoutAgents()
        let result = try Run.orch(["doctor", "--agent", "scripted", "--json"], in: repo.path, environment: ["PATH": path])
        #expect(result.status == 1)
        let checks = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: String]])
        let graph = try #require(checks.first { $0["name"] == "graph" })
        #expect(graph["status"] == "failed" && graph["fix"] == "git orch init")
        #expect(checks.allSatisfy { ["ok", "warning", "failed"].contains($0["status"] ?? "") && $0["detail"] != nil })
        _ = bin
    }

    @Test func outsideARepositoryTheDoctorSaysSo() throws {
        let folder = TemporaryDirectory("git-orch-empty")
        let result = try Run.orch(["doctor"], in: folder.path, environment: ["GIT_CEILING_DIRECTORIES": URL(fileURLWithPath: folder.path).deletingLastPathComponent().path])
        #expect(result.status == 1)
        #expect(result.stdoutLines.contains { $0.hasPrefix("FAILED") && $0.contains("not in a git repository") }, "\(result.stdout)")
    }

    @Test func startRunsTheSameChecksFirstAndPointsToTheDoctor() throws {
        let repo = try Self.readyRepository()
        let (bin, path) = try Self.pathWithoutAgents()
        let result = try Run.orch(["start", "--agent", "claude", "--until-done"], in: repo.path, environment: ["PATH": path])
        #expect(result.status == 128)
        #expect(result.stderr.contains("agent claude: claude is not on PATH") && result.stderr.contains("see 'git orch doctor'"), "\(result.stderr)")
        // Nothing changed: no worker registered, no worktree.
        #expect(throws: GitCLIFailure.self) { try repo.git("rev-parse", "--verify", "-q", "refs/orch/workers") }
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/orch/worktrees"))
        _ = bin
    }
}
