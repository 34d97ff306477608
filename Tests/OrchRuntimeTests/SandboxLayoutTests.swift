import Foundation
@testable import OrchRuntime
import OrchTestSupport
import Testing

/// The sandbox's layout, read from the bubblewrap command line without running it.
struct SandboxLayoutTests {
    let layout = BubblewrapCommand(
        bwrap: "/usr/bin/bwrap", identity: SandboxIdentity(uid: 1000, gid: 1000), home: "/home/ada",
        privateHome: "/home/ada/p/.git/orch/home/indigo", agentPaths: ["/home/ada/.claude"],
        programDirectories: ["/home/ada/.pyenv/shims", "/usr/bin", "/tmp/x/bin"], repositoryRoot: "/home/ada/p",
        gitDirectory: "/home/ada/p/.git", masked: ["/home/ada/p/.git/orch/run"], readOnlyFiles: ["/home/ada/p/.git/orch/run/mcp.json"],
        sockets: [], worktree: "/home/ada/p/.git/orch/worktrees/indigo")

    /// The pairs after each occurrence of `option`.
    func mounts(_ words: [String], _ option: String) -> [String] {
        words.indices.filter { words[$0] == option }.map { words[$0 + 1] }
    }

    @Test func onlyTheWorktreeHomeAndLoginAreWritableAndLaterMountsWin() {
        let words = layout.arguments(executable: "/usr/bin/claude", ["-p", "hi; rm -rf /"])
        #expect(Array(words.suffix(4)) == ["--", "/usr/bin/claude", "-p", "hi; rm -rf /"], "the agent's words as given")
        #expect(mounts(words, "--bind") == ["/home/ada/p/.git/orch/home/indigo", "/home/ada/.claude", "/home/ada/p/.git/orch/worktrees/indigo"])
        #expect(mounts(words, "--ro-bind") == ["/", "/home/ada/p"])
        #expect(mounts(words, "--ro-bind-try") == ["/tmp/x", "/home/ada/.pyenv", "/home/ada/p/.git/orch/run/mcp.json"])
        // Programs in /tmp come back before the private home, those in the home after it.
        let homeBind = words.firstIndex(of: "/home/ada/p/.git/orch/home/indigo")!
        #expect(words.firstIndex(of: "/tmp/x")! < homeBind && homeBind < words.firstIndex(of: "/home/ada/.pyenv")!)
        #expect(mounts(words, "--tmpfs") == ["/tmp", "/home/ada/p/.git/orch/run"])
        // The private home covers the real one, then the repository (inside it) comes back
        // read-only, then the worktree read-write: bubblewrap applies them in order.
        let order = ["/home/ada/p/.git/orch/home/indigo", "/home/ada/p", "/home/ada/p/.git/orch/run", "/home/ada/p/.git/orch/worktrees/indigo"]
            .map { path in words.firstIndex(of: path)! }
        #expect(order == order.sorted())
        for flag in ["--unshare-user", "--unshare-pid", "--die-with-parent"] { #expect(words.contains(flag)) }
        #expect(mounts(words, "--uid") == ["1000"])
    }

    @Test func aProgramFolderInDevShmComesBackAloneOverTheFreshDev() {
        var layout = layout
        layout.programDirectories += ["/dev/shm/run-1.bin", "/dev/shm"]
        let words = layout.arguments(executable: "/dev/shm/run-1.bin/claude", [])
        #expect(mounts(words, "--ro-bind-try").contains("/dev/shm/run-1.bin"))
        #expect(!mounts(words, "--ro-bind-try").contains("/dev/shm"), "not the whole of /dev/shm")
        #expect(words.firstIndex(of: "--dev")! < words.firstIndex(of: "/dev/shm/run-1.bin")!, "after the fresh /dev, or it is hidden")
    }

    @Test func presetPathsExpandTheHomeAndVariables() {
        let environment = ["CODEX_HOME": "/srv/codex"]
        #expect(BubblewrapCommand.expand("~/.claude", home: "/root", environment: environment) == "/root/.claude")
        #expect(BubblewrapCommand.expand("$CODEX_HOME", home: "/root", environment: environment) == "/srv/codex")
        #expect(BubblewrapCommand.expand("$CODEX_HOME/auth.json", home: "/root", environment: environment) == "/srv/codex/auth.json")
        #expect(BubblewrapCommand.expand("$UNSET", home: "/root", environment: environment) == nil)
        #expect(BubblewrapCommand.expand("relative/path", home: "/root", environment: environment) == nil)
        #expect(BubblewrapCommand.expand("~/.claude", home: nil, environment: environment) == nil)
    }

    @Test func presetsDeclareTheirLoginPaths() throws {
        #expect(AgentPreset.builtIn["claude"]?.sandboxPaths == ["~/.claude", "~/.claude.json", "$CLAUDE_CONFIG_DIR"])
        #expect(AgentPreset.builtIn["codex"]?.sandboxPaths == ["$CODEX_HOME", "~/.codex"])
        let mine = try AgentPresets.resolve("mine", gitConfig: [
            "orch.agent.mine.command": "mytool {prompt_file}", "orch.agent.mine.sandboxPaths": "~/.mytool '$MY HOME'",
        ], presetFile: nil)
        #expect(mine.sandboxPaths == ["~/.mytool", "$MY HOME"])
        let claude = try AgentPresets.resolve("claude", gitConfig: ["orch.agent.claude.model": "--model x"], presetFile: nil)
        #expect(claude.sandboxPaths == AgentPreset.builtIn["claude"]?.sandboxPaths, "kept from the built-in")
    }

    @Test func aModeThatIsNotOneOfTheThreeNamesTheKey() {
        #expect(throws: RuntimeError.config("orch.sandbox", "'docker' is not one of auto, bwrap, off")) {
            try RuntimeSettings(RuntimeConfig(values: ["orch.sandbox": ["docker"]]))
        }
        #expect(Confinement(environmentValue: Confinement.unconfined(reason: "no bwrap").environmentValue) == .unconfined(reason: "no bwrap"))
        #expect(Confinement.bubblewrap(executable: "/usr/bin/bwrap").description == "sandbox: bwrap")
    }
}
