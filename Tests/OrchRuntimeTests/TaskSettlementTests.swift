import Foundation
@testable import OrchRuntime
import OrchTestSupport
import ProcessKit
import Testing

/// What counts as the agent's change when a run is judged for "made no changes".
struct TaskSettlementTests {
    private let committer = WorkCommitter(worktree: "/unused", denyPatterns: [".env", "secrets/*.key"])

    private func changes(_ entries: [String]) -> [String] {
        TaskSettlement.agentChanges(inPorcelainZ: Array(entries.map { $0 + "\0" }.joined().utf8), committer: committer)
    }

    @Test func editsAndNewFilesAreChanges() {
        #expect(changes([" M Sources/a.swift", "?? docs/new file.md"]) == ["Sources/a.swift", "docs/new file.md"])
    }

    @Test func denyListedFilesAreNotTheAgentsChanges() {
        #expect(changes(["?? .env", "?? app/.env", "?? secrets/deploy.key"]).isEmpty)
        #expect(changes(["?? .env", " M README.md"]) == ["README.md"])
    }

    @Test func aCleanWorktreeHasNoChanges() {
        #expect(changes([]).isEmpty)
    }

    @Test func realPorcelainOutputOfAWorktreeWithOnlyACopiedEnvFile() throws {
        let repository = try TemporaryRepository()
        try "TOKEN=1\n".write(toFile: repository.directory.file(".env"), atomically: true, encoding: .utf8)
        let git = GitCLI(directory: repository.path)
        let status = try git.run(["status", "--porcelain", "-z", "--untracked-files=all"]).stdout
        #expect(TaskSettlement.agentChanges(inPorcelainZ: status, committer: committer).isEmpty)
        try "changed\n".write(toFile: repository.directory.file("README.md"), atomically: true, encoding: .utf8)
        let edited = try git.run(["status", "--porcelain", "-z", "--untracked-files=all"]).stdout
        #expect(TaskSettlement.agentChanges(inPorcelainZ: edited, committer: committer) == ["README.md"])
    }
}

/// `.aider*` goes to the repository's `info/exclude`, and what the user wrote there stays.
struct AgentScratchFilesTests {
    @Test func patternsAreAddedAfterTheUsersOwn() throws {
        let repository = try TemporaryRepository()
        let exclude = repository.directory.file(".git/info/exclude")
        try "build/\n".write(toFile: exclude, atomically: true, encoding: .utf8)
        try AgentScratchFiles.exclude(in: repository.path)
        let text = try String(contentsOfFile: exclude, encoding: .utf8)
        #expect(text.hasPrefix("build/\n"))
        #expect(text.contains("\n.aider*\n"))
    }

    @Test func anUnreadableExcludeFileIsAnErrorNotOverwritten() throws {
        let repository = try TemporaryRepository()
        let exclude = repository.directory.file(".git/info/exclude")
        let bytes = Data([0x62, 0x75, 0x69, 0x6c, 0x64, 0xff, 0xfe, 0x0a]) // "build" and bytes that are not UTF-8
        try bytes.write(to: URL(fileURLWithPath: exclude))
        #expect(throws: RuntimeError.self) { try AgentScratchFiles.exclude(in: repository.path) }
        #expect(FileManager.default.contents(atPath: exclude) == bytes)
    }
}
