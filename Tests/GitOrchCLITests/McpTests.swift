import Foundation
import OrchTestSupport
import Testing

@Suite struct McpTests {
    /// A real MCP session (initialize, tools/list, tools/call) driven by the official Python SDK,
    /// which .ci/run installs from PyPI.
    @Test func anMCPClientNobodyHereWroteCanUseTheTools() throws {
        let repo = try TemporaryRepository()
        _ = try repo.orch("init")
        _ = try repo.orch("task", "add", "Fix the flaky login test")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/mcp_client.py").path
        let result = try Run.process("/usr/bin/env", ["python3", script, OrchBinary.path, repo.path], in: repo.path)
        try #require(result.status == 0, "client failed: \(result.stderr)")
        let lines = result.stdoutLines
        #expect(lines.first == "server git-orch")
        #expect(lines.contains("tools add_task claim_task complete_task discover_skills list_ready_tasks"))
        #expect(lines.contains("ready [\"Fix the flaky login test\"]"))
        #expect(lines.first { $0.hasPrefix("skills ") }?.contains("test-flaky-detect") == true)
        let claimed = try #require(lines.first { $0.hasPrefix("claimed ") }).split(separator: " ")
        #expect(claimed.last == "indigo")
        #expect(lines.contains("second True no ready task to claim"))
        #expect(lines.contains("done done \(claimed[1].prefix(6))"))
        #expect(lines.contains("missing True 'worker' is required"))
        // The tools changed the real graph.
        let added = try #require(lines.first { $0.hasPrefix("added ") }).dropFirst(6)
        let shown = try repo.orch("task", "show", String(added), "--json").stdout
        #expect(shown.contains("\"deps\":[\"\(claimed[1])\"]"))
        #expect(try repo.git("log", "--format=%s", "refs/orch/graph").contains("done \(claimed[1].prefix(6))"))
    }
}
