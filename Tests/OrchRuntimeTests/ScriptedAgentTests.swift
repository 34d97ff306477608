import OrchRuntime
import Testing

struct ScriptedAgentTests {
    @Test func editsAreReadInOrderAndPathsStayInside() throws {
        let edits = try ScriptedAgent.edits(in: """
            # Your task: anything
            @sleep 0.5
            @write lib/a.sh
            run() { echo a; }
            @end
            text in between is ignored
            @append CHANGELOG.md
            - a
            @end
            @delete old.txt
            """)
        #expect(edits == [.sleep(0.5), .write("lib/a.sh", "run() { echo a; }\n"), .append("CHANGELOG.md", "- a\n"), .delete("old.txt")])
        #expect(throws: ScriptedAgent.Failure.self) { try ScriptedAgent.edits(in: "@write ../outside\nx\n@end") }
        #expect(throws: ScriptedAgent.Failure.self) { try ScriptedAgent.edits(in: "@write .git/config\nx\n@end") }
        #expect(throws: ScriptedAgent.Failure.self) { try ScriptedAgent.edits(in: "@write a.txt\nno end") }
        #expect(ScriptedAgent.costLine(input: 1000, output: 100).hasPrefix("Tokens: 1000 sent, 100 received. Cost: $"))
    }
}
