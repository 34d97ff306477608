import Foundation
import GitKit
import OrchModel
import OrchStore

/// One state update (claim a task = rewrite its file, its fan-out tree, the tasks tree, the root,
/// commit, compare-and-swap the ref): git-orch in-process against a script of git CLI calls doing
/// the same (hash-object, mktree x3, commit-tree, update-ref with the old value).
enum UpdateThroughputBenchmark {
    static func run(quick: Bool) throws {
        let taskCount = 1_000
        let orchUpdates = quick ? 300 : 1_000
        let cliUpdates = quick ? 30 : 100

        let orchRepo = try ScratchRepository()
        let store = try orchRepo.store()
        _ = try populate(store, count: taskCount)
        let orchTime = try seconds {
            for index in 0..<orchUpdates { try store.apply(.claim(nil, worker: "w\(index % 4)", role: nil)) }
        }

        let cliRepo = try ScratchRepository()
        let cliStore = try cliRepo.store()
        let ids = try populate(cliStore, count: taskCount)
        let script = try CLIScript(repository: cliRepo.path, store: cliStore)
        let cliTime = try seconds {
            for index in 0..<cliUpdates { try script.claim(ids[index], worker: "w\(index % 4)") }
        }
        // The script's result is a valid graph git-orch reads back.
        let check = try cliRepo.store().snapshot().graph
        guard check.tasks.values.filter({ $0.status == .claimed }).count == cliUpdates else { throw BenchError("CLI script wrote a wrong graph") }

        let orchRate = Double(orchUpdates) / orchTime
        let cliRate = Double(cliUpdates) / cliTime
        print("## Claim/update throughput, one process, \(taskCount)-task graph\n")
        print("| writer | updates | time | updates/s | per update |\n|---|---|---|---|---|")
        print("| git-orch in-process (libgit2) | \(orchUpdates) | \(String(format: "%.2f s", orchTime)) | \(Int(orchRate)) | \(milliseconds(orchTime / Double(orchUpdates))) |")
        print("| git CLI script (6 git calls) | \(cliUpdates) | \(String(format: "%.2f s", cliTime)) | \(Int(cliRate)) | \(milliseconds(cliTime / Double(cliUpdates))) |")
        print("\nSpeed-up: **\(String(format: "%.0fx", orchRate / cliRate))** (target: at least 20x)\n")
    }

    /// What a user's shell script would run per update, with the trees it needs kept in memory
    /// (so the script is not charged for listing them).
    final class CLIScript {
        let repository: String
        var head: String
        var buckets: [String: [String: String]] = [:]  // bucket -> file name -> blob
        var bucketTrees: [String: String] = [:]
        var meta: String
        var tasks: [TaskID: Task]

        init(repository: String, store: TaskStore) throws {
            self.repository = repository
            let snapshot = try store.snapshot()
            head = snapshot.commit.hex
            tasks = snapshot.graph.tasks
            meta = try Shell.git(["rev-parse", "\(head):meta.json"], in: repository)
            for line in try Shell.git(["ls-tree", "-r", head, "tasks"], in: repository).split(separator: "\n") {
                let parts = line.split(separator: "\t")
                let path = parts[1].split(separator: "/")
                buckets[String(path[1]), default: [:]][String(path[2])] = String(parts[0].split(separator: " ")[2])
            }
            for line in try Shell.git(["ls-tree", head, "tasks/"], in: repository).split(separator: "\n") {
                let parts = line.split(separator: "\t")
                bucketTrees[String(parts[1].split(separator: "/")[1])] = String(parts[0].split(separator: " ")[2])
            }
        }

        func claim(_ id: TaskID, worker: String) throws {
            var task = tasks[id]!
            task.status = .claimed
            task.assignee = worker
            task.attempts += 1
            tasks[id] = task
            let blob = try Shell.git(["hash-object", "-w", "--stdin"], in: repository, input: Data(TaskFile.encode(task)))
            buckets[id.fanOut]![id.hex + ".json"] = blob
            let bucketListing = buckets[id.fanOut]!.map { "100644 blob \($0.value)\t\($0.key)" }.joined(separator: "\n") + "\n"
            bucketTrees[id.fanOut] = try Shell.git(["mktree"], in: repository, input: Data(bucketListing.utf8))
            let tasksListing = bucketTrees.map { "040000 tree \($0.value)\t\($0.key)" }.joined(separator: "\n") + "\n"
            let tasksTree = try Shell.git(["mktree"], in: repository, input: Data(tasksListing.utf8))
            let root = try Shell.git(["mktree"], in: repository, input: Data("100644 blob \(meta)\tmeta.json\n040000 tree \(tasksTree)\ttasks\n".utf8))
            let commit = try Shell.git(["commit-tree", root, "-p", head, "-m", "claim \(id.hex) by \(worker)"], in: repository)
            _ = try Shell.git(["update-ref", "refs/orch/graph", commit, head], in: repository)
            head = commit
        }
    }
}
