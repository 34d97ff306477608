import Foundation
import GitKit
import OrchRuntime
import OrchStore

/// Conflict prediction: worker branches on a 5,000-file repository (50 folders of 100 files),
/// each changing three files of its own, two of them also the same line of one small file.
/// `git orch conflicts` (the whole command, process start included), cold (its memo in
/// `.git/orch/cache/conflicts.bin` deleted before each run) and warm (the memo of the run before),
/// against `git merge-tree --write-tree` run pair by pair, as a script would; then the library
/// call the supervisor makes every `orch.conflictSeconds`, first and again with its memo.
enum ConflictBenchmark {
    static func run(quick: Bool) throws {
        print("## Conflict prediction: 5,000 files, one small collision\n")
        print("| branches (pairs) | `git orch conflicts`, cold | warm | `git merge-tree` pair by pair | speed-up cold | speed-up warm "
            + "| supervisor, first check | supervisor, unchanged | merges |")
        print("|---|---|---|---|---|---|---|---|---|")
        for workers in quick ? [8] : [8, 32] {
            try measure(workers: workers)
        }
        print()
    }

    private static func measure(workers: Int) throws {
        let scratch = try ScratchRepository()
        let path = scratch.path
        try prepare(path, workers: workers)
        let branches = ["main"] + (1...workers).map { "orch/w\($0)" }
        let pairs = branches.count * (branches.count - 1) / 2
        let rounds = 5

        let memo = path + "/.git/orch/cache/conflicts.bin"
        var coldTimes: [Double] = []
        var warmTimes: [Double] = []
        for warm in [false, true] {
            if warm { _ = try Shell.run(orchBinary, ["conflicts", "--json"], in: path) }
            for _ in 0..<rounds {
                if !warm { try? FileManager.default.removeItem(atPath: memo) }
                var found = ""
                let time = try seconds { found = try Shell.run(orchBinary, ["conflicts", "--json"], in: path).output }
                if warm { warmTimes.append(time) } else { coldTimes.append(time) }
                let collisions = (try JSONSerialization.jsonObject(with: Data(found.utf8)) as? [Any])?.count ?? -1
                guard collisions == 1 else { throw BenchError("git orch conflicts found \(collisions) collisions, expected 1: \(found)") }
            }
        }

        var gitTimes: [Double] = []
        var gitCollisions = 0
        for _ in 0..<rounds {
            gitCollisions = 0
            gitTimes.append(try seconds {
                for (index, first) in branches.enumerated() {
                    for second in branches[(index + 1)...] {
                        let result = try Shell.run("/usr/bin/git", ["merge-tree", "--write-tree", "--name-only", first, second], in: path)
                        if result.status == 1 { gitCollisions += 1 }
                    }
                }
            })
        }
        guard gitCollisions == 1 else { throw BenchError("git merge-tree found \(gitCollisions) collisions, expected 1") }

        // The supervisor's periodic check: one memo for the team's life.
        let repository = try Repository.open(at: path)
        let predictor = ConflictPredictor(repository: repository)
        let first = try seconds { _ = try predictor.predict(mainBranch: "main") }
        let merges = predictor.memo.merges
        let again = try seconds { _ = try predictor.predict(mainBranch: "main") }

        let cold = median(coldTimes), warm = median(warmTimes), git = median(gitTimes)
        print("| \(workers) + main (\(pairs)) | \(milliseconds(cold)) | \(milliseconds(warm)) | \(milliseconds(git)) "
            + "| \(String(format: "%.1fx", git / cold)) | \(String(format: "%.1fx", git / warm)) "
            + "| \(milliseconds(first)) | \(milliseconds(again)) | \(merges) of \(pairs) |")
    }

    /// main with 5,000 files; `workers` branches `orch/wN` off it, each changing three files of
    /// its own folder; w1 and w2 both change the first line of `shared.txt`.
    private static func prepare(_ path: String, workers: Int) throws {
        try Shell.git(["config", "user.name", "bench"], in: path)
        try Shell.git(["config", "user.email", "bench@localhost"], in: path)
        for folder in 0..<50 {
            let directory = path + "/src/module\(folder)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for file in 0..<100 {
                try "// module \(folder) file \(file)\nlet value = \(folder * 100 + file)\n".write(
                    toFile: directory + "/file\(file).swift", atomically: false, encoding: .utf8)
            }
        }
        try "first line\nsecond line\n".write(toFile: path + "/shared.txt", atomically: false, encoding: .utf8)
        try Shell.git(["add", "-A"], in: path)
        try Shell.git(["commit", "-q", "-m", "5,000 files"], in: path)
        for worker in 1...workers {
            try Shell.git(["checkout", "-q", "-b", "orch/w\(worker)", "main"], in: path)
            for file in 0..<3 {
                try "// changed by w\(worker)\n".write(toFile: path + "/src/module\(worker % 50)/file\(worker / 50 * 3 + file).swift",
                                                      atomically: false, encoding: .utf8)
            }
            if worker <= 2 {
                try "first line by w\(worker)\nsecond line\n".write(toFile: path + "/shared.txt", atomically: false, encoding: .utf8)
            }
            try Shell.git(["commit", "-q", "-am", "work of w\(worker)"], in: path)
            try Shell.git(["checkout", "-q", "main"], in: path)
        }
    }
}
