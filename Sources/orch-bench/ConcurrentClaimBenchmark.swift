import Foundation
import OrchStore

/// Many `git orch claim` processes at once on one repository: throughput, lost races per claim
/// (each lost race leaves one unpublished commit, counted with `git fsck`), and double claims.
enum ConcurrentClaimBenchmark {
    static func run(processes: Int, tasks: Int) throws {
        let repo = try ScratchRepository()
        let store = try repo.store()
        _ = try populate(store, count: tasks)
        let before = try danglingCommits(repo.path)
        let tally = Tally()
        let path = repo.path
        let elapsed = seconds {
            DispatchQueue.concurrentPerform(iterations: processes) { index in
                while true {
                    guard let result = try? Shell.run(orchBinary, ["claim", "--worker", "w\(index)"], in: path) else {
                        tally.fail()
                        return
                    }
                    if result.status == 1 { return }  // nothing left
                    if result.status != 0 { tally.fail(); return }
                    tally.add(result.output.trimmingCharacters(in: .whitespacesAndNewlines))
                }
            }
        }
        let lost = try danglingCommits(repo.path) - before
        let claimed = tally.claimed, failures = tally.failures
        let doubles = claimed.count - Set(claimed).count
        print("## \(processes) concurrent `git orch claim` processes, \(tasks) ready tasks\n")
        print("| claims | time | claims/s | lost races (retries) | retries per claim | double claims | errors |")
        print("|---|---|---|---|---|---|---|")
        print("| \(claimed.count) | \(String(format: "%.2f s", elapsed)) | \(String(format: "%.0f", Double(claimed.count) / elapsed)) | \(lost) | \(String(format: "%.2f", Double(lost) / Double(max(1, claimed.count)))) | \(doubles) | \(failures) |\n")
    }

    private static func danglingCommits(_ path: String) throws -> Int {
        let output = try Shell.run("/usr/bin/git", ["fsck", "--no-reflogs", "--dangling", "--no-progress"], in: path).output
        return output.split(separator: "\n").filter { $0.hasPrefix("dangling commit") }.count
    }
}

/// Results gathered from the claiming threads.
final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var claimed: [String] = []
    private(set) var failures = 0
    func add(_ id: String) { lock.withLock { claimed.append(id) } }
    func fail() { lock.withLock { failures += 1 } }
}
