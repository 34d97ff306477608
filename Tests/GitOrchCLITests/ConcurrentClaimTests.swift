import Foundation
import OrchTestSupport
import Testing

@Suite struct ConcurrentClaimTests {
    /// 16 separate git-orch processes claim from 300 ready tasks until none is left.
    @Test func sixteenProcessesClaimEveryTaskExactlyOnce() throws {
        let repo = try TemporaryRepository()
        try #require(try repo.orch("init").status == 0)
        let plan = (0..<300).map { "{\"title\": \"task \($0)\"}" }.joined(separator: "\n")
        let imported = try repo.orch("task", "import", "-", input: plan)
        try #require(imported.status == 0, "\(imported.stderr)")
        let ids = Set(imported.stdoutLines)
        #expect(ids.count == 300)

        // A lock left by a crashed writer: all 16 claimers meet it at once, and exactly one
        // recovery may happen (a second one could remove a live writer's lock).
        let lock = repo.directory.file(".git/refs/orch/graph.lock")
        #expect(FileManager.default.createFile(atPath: lock, contents: Data("0000000000000000000000000000000000000000\n".utf8)))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: lock)

        let workers = 16
        let results = ClaimResults()
        DispatchQueue.concurrentPerform(iterations: workers) { index in
            var claimed: [String] = []
            while true {
                guard let result = try? Run.orch(["claim", "--worker", "w\(index)"], in: repo.path) else {
                    results.record(error: "could not start git-orch")
                    return
                }
                if result.status == 1 && result.stderr.contains("no ready task") { break }
                guard result.status == 0 else {
                    results.record(error: "worker w\(index): exit \(result.status): \(result.stderr)")
                    return
                }
                claimed.append(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            results.record(worker: "w\(index)", claimed: claimed)
        }
        #expect(results.errors.isEmpty, "\(results.errors)")
        let all = results.claims.flatMap(\.value)
        #expect(all.count == 300)
        #expect(Set(all) == ids)  // every task claimed, none twice

        // The graph agrees: each task is claimed by the worker that was told it won.
        let listed = try repo.orch("task", "list", "--json")
        let tasks = try JSONDecoder().decode([ListedTask].self, from: Data(listed.stdout.utf8))
        #expect(tasks.count == 300)
        for (worker, claimed) in results.claims {
            for id in claimed { #expect(tasks.first { $0.id == id }?.assignee == worker) }
        }
        #expect(tasks.allSatisfy { $0.status == "claimed" && $0.attempts == 1 })
        // Every operation is in the history: init, import, 300 claims.
        let count = try repo.git("rev-list", "--count", "refs/orch/graph")
        #expect(count == "302")
        let claimsInLog = try repo.git("log", "--format=%s", "refs/orch/graph").split(separator: "\n").filter { $0.hasPrefix("claim ") }
        #expect(claimsInLog.count == 300)
        // Lost races leave unpublished commits behind, never a broken repository.
        try repo.git("fsck", "--no-progress", "--no-dangling")
    }
}

struct ListedTask: Decodable {
    var id: String
    var status: String
    var assignee: String?
    var attempts: Int
    var deps: [String]
    var title: String
}

final class ClaimResults: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var claims: [String: [String]] = [:]
    private(set) var errors: [String] = []
    func record(worker: String, claimed: [String]) { lock.withLock { claims[worker] = claimed } }
    func record(error: String) { lock.withLock { errors.append(error) } }
}
