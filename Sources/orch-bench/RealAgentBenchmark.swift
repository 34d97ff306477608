import Foundation
import OrchModel
import ProcessKit

/// Orchestration overhead per task with the real Claude Code, beside an agent that returns at
/// once, in the same run and the same setup (2 workers, the merge queue testing every merge).
/// Per task: from its claim to its merge (task-done), minus the agent's own run (agent-started to
/// agent-exited), which holds Claude Code's start-up and the stand-in model's answers.
enum RealAgentBenchmark {
    /// `required`: asked for by name (`--only real-agents`), so a missing claude is an error.
    static func run(quick: Bool, required: Bool) throws {
        let tasks = quick ? 6 : 16
        print("## Orchestration overhead per task with the real Claude Code (\(tasks) tasks, 2 workers, merge queue on)\n")
        guard let claude = claudeBinary() else {
            let reason = "claude not found: install the test agents (`./install.sh --test-deps`, Tests/Dependencies/agent-requirements.txt)"
            if required { throw BenchError(reason) }
            print("Skipped: \(reason).\n")
            return
        }
        let model = try StandIn()
        defer { model.stop() }
        let fake = "/bin/sh -c 'mkdir -p notes && echo \"$GIT_ORCH_TASK\" > notes/$GIT_ORCH_TASK.txt' {prompt_file}"
        print("| agent | tasks | claim to merged (median) | agent's own run (median) | overhead (median) | overhead (p90) |")
        print("|---|---|---|---|---|---|")
        for (label, agent) in [("`/bin/sh` (returns at once)", fake), ("Claude Code \(version(of: claude))", "claude")] {
            let repo = try ScratchRepository()
            let bin = repo.path + ".bin"
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: bin) }
            try FileManager.default.createSymbolicLink(atPath: bin + "/claude", withDestinationPath: claude)
            try prepare(repo)
            let lines = (0..<tasks).map { "{\"title\":\"write notes/t\($0).txt: note \($0)\"}" }.joined(separator: "\n") + "\n"
            _ = try Shell.run(orchBinary, ["task", "import", "-"], in: repo.path, input: Data(lines.utf8))
            let environment = [
                "PATH": "\(bin):\(binDirectory):" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                "ANTHROPIC_BASE_URL": model.baseURL, "ANTHROPIC_API_KEY": "stand-in", "CLAUDE_CONFIG_DIR": bin + "/claude-config",
                "DISABLE_AUTOUPDATER": "1", "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            ]
            let result = try Shell.run("/usr/bin/env", environment.map { "\($0)=\($1)" }.sorted()
                                        + [orchBinary, "start", "--workers", "2", "--until-done", "--agent", agent], in: repo.path)
            guard result.status == 0 else { throw BenchError("\(label): git orch start exited \(result.status): \(result.output.suffix(600))") }
            let runs = try perTask(repo)
            guard runs.count == tasks else { throw BenchError("\(label): \(runs.count) of \(tasks) tasks merged") }
            let overhead = runs.map { $0.total - $0.agent }
            print("| \(label) | \(tasks) | \(milliseconds(median(runs.map(\.total)))) | \(milliseconds(median(runs.map(\.agent)))) "
                  + "| \(milliseconds(median(overhead))) | \(milliseconds(percentile(overhead, 0.9))) |")
        }
        print("\nThe queue tests each merge with `test -d notes`; agents run in the sandbox that `orch.sandbox auto` picks here.\n")
    }

    private static func prepare(_ repo: ScratchRepository) throws {
        try "bench\n".write(toFile: repo.path + "/README.md", atomically: true, encoding: .utf8)
        _ = try Shell.git(["add", "README.md"], in: repo.path)
        _ = try Shell.git(["-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "initial"], in: repo.path)
        for (key, value) in [("user.name", "bench"), ("user.email", "bench@example.com"), ("orch.agentStartsPerMinute", "100000"),
                             ("orch.agentStartBurst", "1000"), ("orch.testCommand", "test -d notes")] {
            _ = try Shell.git(["config", key, value], in: repo.path)
        }
        _ = try Shell.run(orchBinary, ["init"], in: repo.path)
    }

    /// Per task: claim to task-done, and the agent's own run within it (every run of the task).
    private static func perTask(_ repo: ScratchRepository) throws -> [(total: Double, agent: Double)] {
        let text = try String(contentsOfFile: repo.path + "/.git/orch/events.jsonl", encoding: .utf8)
        var claimed: [String: Int64] = [:], done: [String: Int64] = [:], agentStart: [String: Int64] = [:], agent: [String: Int64] = [:]
        for line in text.split(separator: "\n") {
            guard let event = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let task = event["task"] as? String, let type = event["type"] as? String,
                  let time = (event["time"] as? String).flatMap(Timestamp.init(iso8601:))?.microseconds else { continue }
            switch type {
            case "task-claimed": if claimed[task] == nil { claimed[task] = time }
            case "task-done": done[task] = time
            case "agent-started": agentStart[task] = time
            case "agent-exited": agent[task, default: 0] += agentStart[task].map { time - $0 } ?? 0
            default: break
            }
        }
        return done.compactMap { task, end in
            claimed[task].map { (total: Double(end - $0) / 1e6, agent: Double(agent[task] ?? 0) / 1e6) }
        }
    }

    private static func percentile(_ values: [Double], _ fraction: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }

    private static func version(of claude: String) -> String {
        let output = (try? Shell.run(claude, ["--version"], in: "/").output) ?? ""
        return output.split(separator: " ").first.map(String.init) ?? "?"
    }

    /// Claude Code as `./install.sh --test-deps` installs it (claude-agent-sdk's bundled binary), in
    /// the test agents' environment or else in `python3`'s.
    static func claudeBinary() -> String? {
        let environment = ProcessInfo.processInfo.environment["GIT_ORCH_TEST_AGENTS"] ?? (NSHomeDirectory() + "/.cache/git-orch/test-agents")
        for python in [environment + "/bin/python3", "python3"] {
            guard let result = try? Shell.run("/usr/bin/env", [python, "-c", "import claude_agent_sdk,os;print(os.path.dirname(claude_agent_sdk.__file__))"], in: "/"),
                  result.status == 0 else { continue }
            let path = result.output.trimmingCharacters(in: .whitespacesAndNewlines) + "/_bundled/claude"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}

/// The tests' stand-in for the Anthropic Messages API (Tests/Fixtures/model-servers), on loopback.
private final class StandIn {
    let process: ChildProcess
    let baseURL: String
    let folder = NSTemporaryDirectory() + "orch-bench-model-\(UUID().uuidString)"

    init() throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Tests/Fixtures/model-servers/anthropic_messages.py").path
        guard FileManager.default.fileExists(atPath: script) else { throw BenchError("the stand-in model \(script) is missing: run orch-bench from a clone") }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var options = ProcessSpawner.Options()
        (options.stdout, options.stderr) = (.null, .null)
        process = try ChildProcess("/usr/bin/env", ["python3", script, "--port-file", folder + "/port", "--lifetime", "1800"], options)
        var port: String?
        for _ in 0..<400 where port == nil {
            port = (try? String(contentsOfFile: folder + "/port", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            if port == nil { usleep(50_000) }
        }
        guard let port else {
            process.kill()
            throw BenchError("the stand-in model did not start within 20 s")
        }
        baseURL = "http://127.0.0.1:\(port)"
    }

    func stop() {
        process.kill()
        try? FileManager.default.removeItem(atPath: folder)
    }
}
