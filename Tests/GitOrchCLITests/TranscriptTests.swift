import Foundation
import OrchTestSupport
import Testing

/// `git orch logs` shows a claude worker's run as a transcript, and `--raw` its JSON events.
@Suite(.serialized) struct TranscriptTests {
    /// Lines as a person sees them: colours and carriage returns dropped.
    static func visible(_ text: String) -> [String] {
        // By bytes: "\r\n" is one Character to String.
        let plain = text.replacingOccurrences(of: #"\u001B\[[0-9;]*m"#, with: "", options: .regularExpression)
        return plain.utf8.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0.filter { $0 != UInt8(ascii: "\r") }, as: UTF8.self) }
    }

    @Test func logsShowTheTranscriptAndRawTheEvents() throws {
        let team = try TeamFixture()
        try team.importTasks([["title": "notes", "body": "@fake write notes/a.txt hello\\nworld\n@fake write notes/b.txt more\n@fake cost 0.0321"]])
        let run = try team.orch("start", "--workers", "1", "--agent", "claude", "--until-done")
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")

        let logs = try team.orch("logs", "indigo")
        #expect(logs.status == 0, "\(logs.stderr)")
        let lines = Self.visible(logs.stdout)
        #expect(lines.contains { $0.hasPrefix("=== indigo: task ") && $0.hasSuffix("notes (attempt 1) ===") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("claude · claude-sonnet-4-5 · session ") }, "\(lines)")
        #expect(lines.contains("Write notes/a.txt"), "\(lines)")
        #expect(lines.contains("Write notes/b.txt"), "\(lines)")
        #expect(lines.contains("  ⎿ The file \(team.repo.path)/.git/orch/worktrees/indigo/notes/a.txt has been updated successfully.")
            || lines.contains { $0.hasPrefix("  ⎿ The file ") && $0.hasSuffix("notes/a.txt has been updated successfully.") }, "\(lines)")
        #expect(lines.contains("Wrote notes/a.txt"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("✔ done (1 turn, ") && $0.contains("$0.0321, tokens: 1k in, 200 out") }, "\(lines)")
        #expect(!lines.contains { $0.hasPrefix("{") || $0.contains(#""type":"#) }, "\(lines)")
        // -l keeps the last lines of the transcript.
        #expect(Self.visible(try team.orch("logs", "indigo", "-l", "1").stdout).count == 1)

        let raw = try team.orch("logs", "indigo", "--raw")
        #expect(raw.status == 0, "\(raw.stderr)")
        let events = Self.visible(raw.stdout).filter { $0.hasPrefix("{") }
        #expect(events.first?.hasPrefix(#"{"type":"system","subtype":"init""#) == true, "\(raw.stdout)")
        #expect(events.contains { $0.contains(#""type":"tool_use""#) && $0.contains(#""name":"Write""#) })
        #expect(events.last?.hasPrefix(#"{"type":"result""#) == true)
        #expect(try team.orch("logs", "--events", "--raw").status == 64)
    }
}
