import Foundation
import OrchTestSupport
import ProcessKit
import Testing

@Suite struct CrashTests {
    /// Claimers killed with SIGKILL at random moments never leave a half-written graph, and a
    /// ref lock a killed writer left behind is recovered, so the remaining work still completes.
    @Test func claimersKilledMidWriteLeaveAConsistentGraph() throws {
        let repo = try TemporaryRepository()
        _ = try repo.orch("init")
        try repo.git("config", "orch.staleLockSeconds", "1")
        let plan = (0..<120).map { "{\"title\": \"task \($0)\"}" }.joined(separator: "\n")
        try #require(try repo.orch("task", "import", "-", input: plan).status == 0)

        // Rounds of claimers killed with SIGKILL after a short random delay, until some claims
        // got through (so kills land both before and during writes).
        var round = 0
        while try round < 6 || (claimedCount(repo) == 0 && round < 40) {
            defer { round += 1 }
            var options = ProcessSpawner.Options()
            (options.directory, options.stdout, options.stderr) = (repo.path, .null, .null)
            let claimers = try (0..<6).map { index in try ChildProcess(OrchBinary.path, ["claim", "--worker", "r\(round)w\(index)"], options) }
            // Later rounds wait longer, so that some claims finish even on a loaded machine.
            usleep(UInt32.random(in: 2_000...(40_000 + 10_000 * UInt32(round))))
            for claimer in claimers { claimer.send(SIGKILL) }
            for claimer in claimers { claimer.wait() }
        }
        // Whatever was interrupted, the repository and the graph are intact...
        try repo.git("fsck", "--no-progress", "--no-dangling")
        let listed = try repo.orch("task", "list", "--json")
        #expect(listed.status == 0)
        let before = try JSONDecoder().decode([ListedTask].self, from: Data(listed.stdout.utf8))
        #expect(before.count == 120)
        #expect(before.contains { $0.status == "claimed" })
        #expect(before.allSatisfy { ($0.status == "claimed") == ($0.assignee != nil) })

        // ...and a lock left by a killed writer does not stop the rest of the work.
        #expect(FileManager.default.createFile(atPath: repo.directory.file(".git/refs/orch/graph.lock"), contents: Data()))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -5)], ofItemAtPath: repo.directory.file(".git/refs/orch/graph.lock"))
        var claimedAfter = 0
        while try repo.orch("claim", "--worker", "survivor").status == 0 { claimedAfter += 1 }
        #expect(claimedAfter == before.filter { $0.status == "open" }.count)
        let after = try JSONDecoder().decode([ListedTask].self, from: Data(try repo.orch("task", "list", "--json").stdout.utf8))
        #expect(after.allSatisfy { $0.status == "claimed" && $0.attempts == 1 })
    }

    private func claimedCount(_ repo: TemporaryRepository) throws -> Int {
        let tasks = try JSONDecoder().decode([ListedTask].self, from: Data(try repo.orch("task", "list", "--json").stdout.utf8))
        return tasks.filter { $0.status == "claimed" }.count
    }
}
