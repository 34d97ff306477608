import Foundation
import OrchRuntime

/// What confining an agent costs at each start: the same program run directly and inside the
/// bubblewrap sandbox a worker puts its agent in (`orch.sandbox`).
enum SandboxBenchmark {
    static func run() throws {
        let repo = try ScratchRepository()
        _ = try Shell.git(["commit", "-q", "--allow-empty", "-m", "x"], in: repo.path)
        let worktree = repo.path + "/.git/orch/worktrees/bench"
        _ = try Shell.git(["worktree", "add", "-q", "-b", "orch/bench", worktree], in: repo.path)
        try FileManager.default.createDirectory(atPath: repo.path + "/.git/orch/run", withIntermediateDirectories: true)
        let home = repo.path + "/.git/orch/home/bench"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        print("## Agent start-up inside the sandbox (median of 20)\n")
        var programs: [(label: String, executable: String, arguments: [String])] = [
            ("`true`", "/bin/true", []), ("`git status`", "/usr/bin/git", ["status", "--short"]),
        ]
        if let claude = RealAgentBenchmark.claudeBinary() { programs.append(("`claude --version` (Claude Code)", claude, ["--version"])) }
        guard Sandbox.commandLine("/bin/true", [], worktree: worktree, repositoryRoot: repo.path, gitDirectory: repo.path + "/.git",
                                  privateHome: home) != nil else {
            print("bubblewrap is not available here: \(Sandbox.availability().detail)\n")
            return
        }
        print("| program | direct | in the sandbox | added |\n|---|---|---|---|")
        for program in programs {
            let wrapped = Sandbox.commandLine(program.executable, program.arguments, worktree: worktree, repositoryRoot: repo.path,
                                              gitDirectory: repo.path + "/.git", privateHome: home)!
            let check = try Shell.run(wrapped[0], Array(wrapped.dropFirst()), in: worktree)
            guard check.status == 0 else { throw BenchError("\(program.label) fails in the sandbox: \(check.output)") }
            var direct: [Double] = [], confined: [Double] = []
            for _ in 0..<20 {
                direct.append(try seconds { try Shell.run(program.executable, program.arguments, in: worktree, discardOutput: true) })
                confined.append(try seconds { try Shell.run(wrapped[0], Array(wrapped.dropFirst()), in: worktree, discardOutput: true) })
            }
            print("| \(program.label) | \(milliseconds(median(direct))) | \(milliseconds(median(confined))) | \(milliseconds(median(confined) - median(direct))) |")
        }
        print("")
    }
}
