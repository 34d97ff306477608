import Foundation
import OrchModel
import ProcessKit

/// The supervisor's own cost: per-task orchestration overhead (claim, prompt, spawn, commit,
/// complete) with an agent that returns at once, and the supervisor's memory and CPU with 16 idle
/// workers. The git CLI committing the same one-file change is the baseline.
enum TeamBenchmark {
    static func run(quick: Bool) throws {
        let tasks = quick ? 40 : 200
        print("## Orchestration overhead per task (\(tasks) tasks, 4 workers, an agent that returns at once)\n")
        let repo = try ScratchRepository()
        try prepare(repo)
        let lines = (0..<tasks).map { "{\"title\":\"bench task \($0)\"}" }.joined(separator: "\n") + "\n"
        _ = try Shell.run(orchBinary, ["task", "import", "-"], in: repo.path, input: Data(lines.utf8))
        // The agent: one shell that changes one file (a fixed script; {prompt_file} is its $0).
        let agent = "/bin/sh -c 'date +%s%N > out.txt' {prompt_file}"
        let wall = try seconds {
            let result = try Shell.run(orchBinary, ["start", "--workers", "4", "--until-done", "--agent", agent], in: repo.path, discardOutput: true)
            guard result.status == 0 else { throw BenchError("git orch start exited \(result.status)") }
        }
        let perTask = try claimToDone(repo)
        guard perTask.count == tasks else { throw BenchError("\(perTask.count) of \(tasks) tasks finished") }
        let baseline = try gitCommitBaseline(rounds: 50)
        print("| measure | median | p99 |")
        print("|---|---|---|")
        print("| git-orch: task claimed -> committed and done | \(milliseconds(median(perTask))) | \(milliseconds(percentile(perTask, 0.99))) |")
        print("| git CLI: `git add -A && git commit` of the same change | \(milliseconds(median(baseline))) | \(milliseconds(percentile(baseline, 0.99))) |")
        print("\nWhole run: \(String(format: "%.2f", wall)) s for \(tasks) tasks = \(String(format: "%.0f", Double(tasks) / wall * 60)) tasks/minute with 4 workers.\n")

        print("## Supervisor with 16 idle workers\n")
        let idle = try ScratchRepository()
        try prepare(idle)
        var options = ProcessSpawner.Options()
        (options.directory, options.stdout, options.stderr) = (idle.path, .null, .null)
        let supervisor = try ChildProcess(orchBinary, ["start", "--workers", "16", "--agent", agent], options)
        defer {
            _ = try? Shell.run(orchBinary, ["stop"], in: idle.path)
            supervisor.wait()
        }
        usleep(5_000_000)
        let pid = supervisor.pid
        let workers = children(of: pid)
        let window = quick ? 5.0 : 10.0
        let before = cpuSeconds(pid), workersBefore = workers.map(cpuSeconds).reduce(0, +)
        usleep(UInt32(window * 1_000_000))
        let cpu = (cpuSeconds(pid) - before) / window * 100
        let workerCPU = (workers.map(cpuSeconds).reduce(0, +) - workersBefore) / window * 100
        let workerRSS = workers.map(residentMB)
        print("| process | resident memory | CPU while idle |")
        print("|---|---|---|")
        print("| supervisor | \(String(format: "%.1f MB", residentMB(pid))) | \(String(format: "%.2f %%", cpu)) |")
        print("| 16 workers (each, mean) | \(String(format: "%.1f MB", workerRSS.reduce(0, +) / Double(max(1, workerRSS.count)))) | \(String(format: "%.2f %%", workerCPU / 16)) |")
        print("\n(\(workers.count) worker processes found; CPU measured over \(Int(window)) s; workers poll the graph every orch.pollSeconds = 1 s.)\n")
    }

    private static func prepare(_ repo: ScratchRepository) throws {
        try "bench\n".write(toFile: repo.path + "/README.md", atomically: true, encoding: .utf8)
        _ = try Shell.git(["add", "README.md"], in: repo.path)
        _ = try Shell.git(["-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "initial"], in: repo.path)
        _ = try Shell.git(["config", "user.name", "bench"], in: repo.path)
        _ = try Shell.git(["config", "user.email", "bench@example.com"], in: repo.path)
        _ = try Shell.git(["config", "orch.agentStartsPerMinute", "100000"], in: repo.path)
        _ = try Shell.git(["config", "orch.agentStartBurst", "1000"], in: repo.path)
        _ = try Shell.run(orchBinary, ["init"], in: repo.path)
    }

    /// Per task: from its task-claimed event to its task-done event.
    private static func claimToDone(_ repo: ScratchRepository) throws -> [Double] {
        let text = try String(contentsOfFile: repo.path + "/.git/orch/events.jsonl", encoding: .utf8)
        var claimed: [String: Int64] = [:], done: [String: Int64] = [:]
        for line in text.split(separator: "\n") {
            guard let event = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let task = event["task"] as? String, let type = event["type"] as? String,
                  let time = (event["time"] as? String).flatMap(Timestamp.init(iso8601:)) else { continue }
            if type == "task-claimed" { claimed[task] = time.microseconds }
            if type == "task-done" { done[task] = time.microseconds }
        }
        return done.compactMap { task, end in claimed[task].map { Double(end - $0) / 1e6 } }
    }

    private static func gitCommitBaseline(rounds: Int) throws -> [Double] {
        let repo = try ScratchRepository()
        try prepare(repo)
        var times: [Double] = []
        for round in 0..<rounds {
            try "\(round)\n".write(toFile: repo.path + "/out.txt", atomically: true, encoding: .utf8)
            times.append(try seconds {
                _ = try Shell.git(["add", "-A"], in: repo.path)
                _ = try Shell.git(["commit", "-q", "-m", "round \(round)"], in: repo.path)
            })
        }
        return times
    }

    private static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }

    private static func children(of pid: Int32) -> [Int32] {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { Int32($0) }
    }

    private static func cpuSeconds(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // Fields after the name: state is [0], utime [11], stime [12].
        let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private static func residentMB(_ pid: Int32) -> Double {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) / 1024
    }
}
