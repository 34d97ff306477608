import Foundation
import GitKit
import OrchModel
import OrchStore

/// Sharing state through a bare remote: syncing 1,000 changed tasks between two clones, and
/// distributed claims from three clones, beside plain `git push` / `git fetch` of the same refs.
enum SyncBenchmark {
    static func run(quick: Bool) throws {
        let folder = try ScratchRepository()  // holds the hub and the clones
        let root = folder.path
        let hub = root + "/hub.git"
        _ = try Shell.git(["init", "-q", "--bare", hub], in: root)
        let seed = root + "/seed"
        _ = try Shell.git(["init", "-q", seed], in: root)
        _ = try Shell.git(["remote", "add", "origin", hub], in: seed)
        let store = TaskStore(repository: try Repository.open(at: seed))
        let ids = try populate(store, count: 1_000)
        try orch(["remote", "setup"], in: seed)
        try orch(["clone", hub, "a"], in: root)
        try orch(["clone", hub, "b"], in: root)
        let a = root + "/a", b = root + "/b"

        // 1,000 changed tasks on each side, offline: a claims them all, b fails half of them.
        let storeA = TaskStore(repository: try Repository.open(at: a))
        for (index, id) in ids.enumerated() { try storeA.apply(.claim(id, worker: "w\(index % 4)", role: nil)) }
        let storeB = TaskStore(repository: try Repository.open(at: b))
        for id in ids.prefix(500) { try storeB.apply(.fail(id, reason: "bench")) }
        // Copies for plain git to move the same objects and refs.
        _ = try Shell.run("/bin/cp", ["-a", a, root + "/a-plain"], in: root)
        _ = try Shell.run("/bin/cp", ["-a", hub, root + "/hub-plain.git"], in: root)
        _ = try Shell.git(["remote", "set-url", "origin", root + "/hub-plain.git"], in: root + "/a-plain")

        let push = try seconds { try orch(["sync"], in: a) }
        let merge = try seconds { try orch(["sync"], in: b) }
        let pull = try seconds { try orch(["sync"], in: a) }
        let plainPush = try seconds { _ = try Shell.git(["push", "-q", "origin", "refs/orch/graph:refs/orch/graph"], in: root + "/a-plain") }
        _ = try Shell.run("/bin/cp", ["-a", root + "/seed", root + "/fetcher"], in: root)
        _ = try Shell.git(["remote", "set-url", "origin", root + "/hub-plain.git"], in: root + "/fetcher")
        let plainFetch = try seconds { _ = try Shell.git(["fetch", "-q", "origin", "+refs/orch/*:refs/orch-remotes/origin/*"], in: root + "/fetcher") }
        let same = try Shell.git(["rev-parse", "refs/orch/graph^{tree}"], in: a) == Shell.git(["rev-parse", "refs/orch/graph^{tree}"], in: b)
        guard same else { throw BenchError("the clones did not converge") }

        print("## Sync through a bare remote, 1,000 changed tasks\n")
        print("a claimed all 1,000 tasks and b failed 500 of them, offline (1,000 and 500 operations).\n")
        print("| step | time |\n|---|---|")
        print("| `git orch sync` on a: push 1,000 operations | \(milliseconds(push)) |")
        print("| `git orch sync` on b: fetch, three-way merge of 1,000 tasks, push | \(milliseconds(merge)) |")
        print("| `git orch sync` on a: fetch and fast-forward | \(milliseconds(pull)) |")
        print("| plain `git push` of the same ref and objects | \(milliseconds(plainPush)) |")
        print("| plain `git fetch` of `refs/orch/*` | \(milliseconds(plainFetch)) |\n")

        try distributedClaims(hub: hub, root: root, tasks: quick ? 60 : 200)
    }

    private static func distributedClaims(hub: String, root: String, tasks: Int) throws {
        let seed = root + "/claims-seed"
        let bare = root + "/claims.git"
        _ = try Shell.git(["init", "-q", "--bare", bare], in: root)
        _ = try Shell.git(["init", "-q", seed], in: root)
        _ = try Shell.git(["remote", "add", "origin", bare], in: seed)
        _ = try populate(TaskStore(repository: try Repository.open(at: seed)), count: tasks)
        try orch(["remote", "setup"], in: seed)
        let clones = try (0..<3).map { index -> String in
            try orch(["clone", bare, "claimer\(index)"], in: root)
            return root + "/claimer\(index)"
        }
        let tally = Tally()
        let elapsed = seconds {
            DispatchQueue.concurrentPerform(iterations: 12) { index in
                while true {
                    guard let result = try? Shell.run(orchBinary, ["claim", "--worker", "w\(index)", "--remote", "origin"], in: clones[index % 3]) else {
                        return tally.fail()
                    }
                    if result.status == 1 { return }
                    if result.status != 0 { return tally.fail() }
                    tally.add(result.output.trimmingCharacters(in: .whitespacesAndNewlines))
                }
            }
        }
        var roundTrips: [Double] = []
        for _ in 0..<10 {
            roundTrips.append(try seconds {
                _ = try Shell.git(["fetch", "-q", "origin", "+refs/orch/*:refs/orch-remotes/origin/*"], in: clones[0])
                _ = try Shell.git(["push", "-q", "origin", "refs/orch/graph:refs/orch/graph"], in: clones[0])
            })
        }
        let claimed = tally.claimed
        print("## Distributed claims: 3 clones, 4 processes each, one bare remote, \(tasks) tasks\n")
        print("| claims | double claims | errors | time | claims/s | plain `git fetch` + `git push` round trip |")
        print("|---|---|---|---|---|---|")
        print("| \(claimed.count) | \(claimed.count - Set(claimed).count) | \(tally.failures) | \(String(format: "%.2f s", elapsed)) | \(String(format: "%.1f", Double(claimed.count) / elapsed)) | \(milliseconds(median(roundTrips))) |\n")
    }

    private static func orch(_ arguments: [String], in directory: String) throws {
        let result = try Shell.run(orchBinary, arguments, in: directory)
        guard result.status == 0 else { throw BenchError("git-orch \(arguments.joined(separator: " ")) failed in \(directory)") }
    }
}
