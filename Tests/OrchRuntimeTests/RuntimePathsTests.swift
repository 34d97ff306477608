import OrchRuntime
import Testing

struct RuntimePathsTests {
    @Test func everythingLivesUnderGitOrch() {
        let paths = RuntimePaths(root: "/repo/.git/orch")
        #expect(paths.terminalLog("indigo") == "/repo/.git/orch/logs/indigo.log")
        #expect(paths.controlSocket == "/repo/.git/orch/run/control.sock")
        #expect(paths.worktree("rose") == "/repo/.git/orch/worktrees/rose")
    }
}
