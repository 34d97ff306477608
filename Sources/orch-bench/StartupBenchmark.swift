import Foundation

/// Process start-up: what every `git orch` command pays before doing anything.
enum StartupBenchmark {
    static func run() throws {
        let repo = try ScratchRepository()
        _ = try Shell.git(["commit", "-q", "--allow-empty", "-m", "x"], in: repo.path)
        let runs = 30
        var orch: [Double] = [], git: [Double] = []
        for _ in 0..<runs {
            orch.append(try seconds { try Shell.run(orchBinary, ["--version"], in: repo.path, discardOutput: true) })
            git.append(try seconds { try Shell.run("/usr/bin/git", ["rev-parse", "HEAD"], in: repo.path, discardOutput: true) })
        }
        print("## Start-up (median of \(runs))\n")
        print("| command | time |\n|---|---|")
        print("| `git-orch --version` | \(milliseconds(median(orch))) |")
        print("| `git rev-parse HEAD` | \(milliseconds(median(git))) |\n")
    }
}
