import Foundation
import OrchStore

/// `git orch ready --json` end to end (a new process each time) on large graphs, cold (no cache)
/// and warm; beside it the git CLI reading the same state (ls-tree + cat-file --batch of every
/// task file), which is the least a script must do to answer the same question.
enum ReadyBenchmark {
    static func run(sizes: [Int]) throws {
        print("## `git orch ready --json` end to end\n")
        print("Graphs of N tasks in chains of 10 (so N/10 are ready), one in three for role backend-dev.\n")
        print("| tasks | ready | cold (no cache) | warm (median of 10) | `--role backend-dev` warm | git CLI: ls-tree + cat-file --batch |")
        print("|---|---|---|---|---|---|")
        for size in sizes {
            let repo = try ScratchRepository()
            let store = try repo.store()
            store.usesCache = false
            _ = try populate(store, count: size, chain: 10)
            let cachePath = repo.path + "/.git/orch/cache/graph.bin"
            try? FileManager.default.removeItem(atPath: cachePath)
            var output = ""
            let cold = try seconds { output = try Shell.run(orchBinary, ["ready", "--json"], in: repo.path).output }
            let readyCount = output.split(separator: "\n").count - 2
            guard readyCount == size / 10 else { throw BenchError("expected \(size / 10) ready tasks, got \(readyCount)") }
            var warm: [Double] = [], role: [Double] = []
            for _ in 0..<10 {
                warm.append(try seconds { try Shell.run(orchBinary, ["ready", "--json"], in: repo.path, discardOutput: true) })
                role.append(try seconds { try Shell.run(orchBinary, ["ready", "--json", "--role", "backend-dev"], in: repo.path, discardOutput: true) })
            }
            let gitRead = try seconds {
                let listing = try Shell.git(["ls-tree", "-r", "--format=%(objectname)", "refs/orch/graph", "tasks"], in: repo.path)
                try Shell.run("/usr/bin/git", ["cat-file", "--batch"], in: repo.path, input: Data((listing + "\n").utf8), discardOutput: true)
            }
            print("| \(size) | \(readyCount) | \(milliseconds(cold)) | \(milliseconds(median(warm))) | \(milliseconds(median(role))) | \(milliseconds(gitRead)) |")
        }
        print("\nTargets: under 50 ms warm at 10k tasks, under 300 ms at 100k.\n")
    }
}
