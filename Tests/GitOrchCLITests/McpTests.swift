import Foundation
import OrchTestSupport
import Testing

@Suite struct McpTests {
    static let needs = [TestDependency.pythonModule("mcp")]

    /// A real MCP session (initialize, tools/list, tools/call) driven by the official Python SDK,
    /// which ./install.sh --test-deps installs from PyPI.
    @Test(.enabled(if: TestDependency.runnable(McpTests.needs), Comment(rawValue: TestDependency.reason(McpTests.needs))))
    func anMCPClientNobodyHereWroteCanUseTheTools() throws {
        try TestDependency.require(Self.needs)
        let repo = try TemporaryRepository()
        _ = try repo.orch("init")
        _ = try repo.orch("task", "add", "Fix the flaky login test")
        // A registered worker (as `git orch start` leaves it) to send messages and handoffs to.
        let record = ##"{"agent":"claude","branch":"orch/indigo","color":{"background":"#0d0d14","hex":"#6366f1","name":"indigo"},"created":"2026-11-25T00:00:00.000000Z","format":1,"name":"indigo","retired":false,"roles":[]}"##
        let blob = try Run.git(["hash-object", "-w", "--stdin"], in: repo.path, input: Data(record.utf8))
        let folder = try Run.git(["mktree"], in: repo.path, input: Data("100644 blob \(blob)\tindigo.json\n".utf8))
        let tree = try Run.git(["mktree"], in: repo.path, input: Data("040000 tree \(folder)\tworkers\n".utf8))
        try repo.git("update-ref", "refs/orch/workers", try repo.git("commit-tree", "-m", "register indigo", tree))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/mcp_client.py").path
        let result = try Run.process("/usr/bin/env", ["python3", script, OrchBinary.path, repo.path], in: repo.path)
        try #require(result.status == 0, "client failed: \(result.stderr)")
        let lines = result.stdoutLines
        #expect(lines.first == "server git-orch")
        #expect(lines.contains("tools add_task claim_task complete_task discover_skills list_ready_tasks send_message write_handoff"))
        #expect(lines.contains("ready [\"Fix the flaky login test\"]"))
        #expect(lines.first { $0.hasPrefix("skills ") }?.contains("test-flaky-detect") == true)
        let claimed = try #require(lines.first { $0.hasPrefix("claimed ") }).split(separator: " ")
        #expect(claimed.last == "indigo")
        #expect(lines.contains("second True no ready task to claim"))
        #expect(lines.contains("done done \(claimed[1].prefix(6))"))
        #expect(lines.contains("missing True 'worker' is required"))
        #expect(lines.contains("sent False message for indigo waits for its next prompt"))
        #expect(lines.first { $0.hasPrefix("handoff False stored handoff indigo/") } != nil, "\(lines)")
        #expect(lines.contains("nobody True no worker named 'nobody'"))
        #expect(try repo.orch("msg", "list", "indigo").stdout.contains("from rose: the login test needs a fixture"))
        #expect(try repo.orch("handoff", "list", "indigo").stdout.contains("indigo/"))
        // The tools changed the real graph.
        let added = try #require(lines.first { $0.hasPrefix("added ") }).dropFirst(6)
        let shown = try repo.orch("task", "show", String(added), "--json").stdout
        #expect(shown.contains("\"deps\":[\"\(claimed[1])\"]"))
        #expect(try repo.git("log", "--format=%s", "refs/orch/graph").contains("done \(claimed[1].prefix(6))"))
    }
}
