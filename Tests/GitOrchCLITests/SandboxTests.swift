#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GitKit
import OrchTestSupport
import ProcessKit
import Testing

/// Agents in bubblewrap (`orch.sandbox`): an agent writes its own worktree and nothing else.
@Suite(.serialized) struct SandboxTests {
    static let needs = [TestDependency.program("bwrap")]

    /// Tries everything a confused or prompt-injected model might (Tests/Fixtures/sandbox-probe-agent).
    static let probeAgent = URL(fileURLWithPath: FakeAgents.fixture).deletingLastPathComponent().appendingPathComponent("sandbox-probe-agent").path

    /// The project's test: build output in the worktree and in /tmp.
    static let checkScript = """
        #!/bin/sh
        set -e
        mkdir -p build
        echo built > build/out.txt
        scratch=/tmp/check-scratch-$$
        echo scratch > "$scratch"
        test "$(cat build/out.txt)" = built
        test "$(cat "$scratch")" = scratch
        rm -f "$scratch"
        echo "tests passed"

        """

    @Test(.enabled(if: TestDependency.runnable(needs), Comment(rawValue: TestDependency.reason(needs))))
    func anAgentReachingOutsideItsWorktreeFailsAtEveryTryWhileItsTaskIsMerged() throws {
        try TestDependency.require(Self.needs)
        let team = try TeamFixture()
        let repo = team.repo
        try Self.checkScript.write(toFile: repo.directory.file("check.sh"), atomically: true, encoding: .utf8)
        try repo.git("add", "check.sh")
        try repo.git("commit", "-q", "-m", "the project's test")
        try repo.git("config", "orch.sandbox", "bwrap")
        try repo.git("config", "orch.testCommand", "sh check.sh")
        try repo.git("config", "orch.agent.probe.command", Self.probeAgent + " {prompt_file}")
        try repo.git("config", "orch.agent.probe.output", "plain")
        let environment = team.agents.confinedEnvironment
        let orch = { (arguments: [String]) throws -> ProcessResult in try Run.orch(arguments, in: repo.path, environment: environment) }
        let supervisor = try BackgroundSupervisor(["start", "--workers", "2", "--agent", "probe"], in: repo.path, environment: environment)
        defer {
            _ = try? orch(["stop"])
            _ = supervisor.wait(timeout: 30)
        }
        func workers() throws -> [[String: Any]] {
            let object = try JSONSerialization.jsonObject(with: Data(try orch(["status", "--json"]).stdout.utf8)) as? [String: Any]
            return object?["workers"] as? [[String: Any]] ?? []
        }
        #expect(eventually(timeout: 30) { (try? workers())?.filter { $0["pid"] is Int }.count == 2 }, "\(supervisor.text)")
        let running = try workers()
        #expect(running.map { $0["confinement"] as? String } == ["sandbox: bwrap", "sandbox: bwrap"])
        // Processes outside every sandbox, which the agents try to kill.
        let targets = [supervisor.pid] + running.compactMap { ($0["pid"] as? Int).map(Int32.init) }
        try targets.map(String.init).joined(separator: "\n").write(toFile: repo.path + "/.git/sandbox-targets", atomically: true, encoding: .utf8)
        for title in ["first task", "second task"] {
            let added = try orch(["task", "add", title])
            #expect(added.status == 0, "\(added.stderr)")
        }

        // Each task's agent adds one task over MCP; all four are merged through the queue.
        let finished = eventually(timeout: 240) {
            let states = (try? team.taskStates()) ?? [:]
            return states.count == 4 && states.values.allSatisfy { $0 == "done" }
        }
        #expect(finished, "\((try? team.taskStates()) ?? [:])\n\(supervisor.text)")
        #expect(supervisor.process.isRunning, "the supervisor survived")
        for pid in targets { #expect(kill(pid, 0) == 0, "process \(pid) survived") }
        #expect(try workers().allSatisfy { $0["restarts"] as? Int == 0 })
        let titles = try team.taskStates().keys
        #expect(titles.filter { $0.hasPrefix("added over MCP by ") }.count == 2, "\(titles)")

        // The work: committed by the worker, tested inside the sandbox, merged into main.
        let merged = try repo.git("ls-tree", "-r", "--name-only", "main").split(separator: "\n").map(String.init)
        let results = merged.filter { $0.hasPrefix("result-") }
        #expect(results.count == 4, "\(merged)")
        for result in results {
            let text = try repo.git("show", "main:" + result)
            #expect(text.contains("tests passed") && text.contains("check.sh exit status 0"), "\(text)")
        }
        #expect(!merged.contains { $0.contains("escaped") })

        // Every try failed, on disk.
        let git = repo.path + "/.git"
        let worktrees = try FileManager.default.contentsOfDirectory(atPath: git + "/orch/worktrees").filter { !$0.hasPrefix(".") }
            .map { git + "/orch/worktrees/" + $0 }
        #expect(worktrees.count == 2)
        for directory in [repo.path] + worktrees {
            let escaped = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("escaped") }
            #expect(escaped.isEmpty, "\(directory): \(escaped)")
        }
        #expect(try repo.git("cat-file", "-t", "refs/orch/graph:meta.json") == "blob", "the graph is readable")
        #expect(try Run.process("/usr/bin/git", ["fsck", "--no-progress"], in: repo.path).status == 0)
        #expect(!(try repo.git("reflog", "show", "--format=%gs", "refs/heads/main")).contains("sandbox-escape"))
        let hooks = try FileManager.default.contentsOfDirectory(atPath: git + "/hooks")
        for hook in hooks {
            #expect(!((try? String(contentsOfFile: git + "/hooks/" + hook, encoding: .utf8)) ?? "").contains("sandbox-escape"), "\(hook)")
        }
        #expect(try Run.process("/usr/bin/git", ["config", "--get", "sandbox.escape"], in: repo.path).status == 1)
        #expect(try repo.git("config", "orch.sandbox") == "bwrap")
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/root"
        // This run's tasks (other runs of the probe elsewhere on the machine are not ours to judge).
        let listed = try JSONSerialization.jsonObject(with: Data(try orch(["task", "list", "--json"]).stdout.utf8)) as? [[String: Any]] ?? []
        let ids = listed.compactMap { $0["id"] as? String }
        #expect(ids.count == 4)
        for id in ids {
            #expect(!FileManager.default.fileExists(atPath: home + "/escaped-home-" + id))
            #expect(!FileManager.default.fileExists(atPath: "/etc/escaped-" + id))
            #expect(!FileManager.default.fileExists(atPath: "/tmp/sandbox-probe-" + id), "/tmp is private")
        }

        // What the agents may write they did, and it belongs to the user running git-orch.
        var written = try FileManager.default.contentsOfDirectory(atPath: git + "/orch/home").flatMap { worker in
            try FileManager.default.contentsOfDirectory(atPath: git + "/orch/home/" + worker)
                .filter { $0.hasPrefix("escaped-home-") }.map { git + "/orch/home/\(worker)/" + $0 }
        }
        #expect(written.count == 4, "each run wrote its private home: \(written)")
        written += worktrees.map { $0 + "/build/out.txt" }.filter { FileManager.default.fileExists(atPath: $0) }
        for path in written {
            var info = stat()
            #expect(stat(path, &info) == 0 && info.st_uid == getuid() && info.st_gid == getgid(), "\(path) owned by \(info.st_uid)")
        }
    }

    @Test(.enabled(if: TestDependency.runnable(needs), Comment(rawValue: TestDependency.reason(needs))))
    func withoutBubblewrapTheBwrapModeRefusesToStartAndAutoWarnsOnce() throws {
        try TestDependency.require(Self.needs)
        let team = try TeamFixture()
        // A PATH with git and python3 (the fake agent's interpreter) but no bwrap.
        let bin = TemporaryDirectory("git-orch-nobwrap")
        let python = try Run.process("/usr/bin/env", ["python3", "-c", "import sys; print(sys.executable)"], in: "/").stdout
        for (program, target) in [("git", "/usr/bin/git"), ("python3", python.trimmingCharacters(in: .whitespacesAndNewlines))] {
            try FileManager.default.createSymbolicLink(atPath: bin.path + "/" + program, withDestinationPath: target)
        }
        let binaries = URL(fileURLWithPath: OrchBinary.path).deletingLastPathComponent().path
        // Unconfined as root, the (fake) claude must be told the machine is a sandbox, as the real one.
        let environment = ["PATH": "\(team.agents.bin):\(binaries):\(bin.path)", "IS_SANDBOX": "1"]
        try team.importTasks([["title": "one", "body": "@fake sleep 2\n@fake write a.txt a"]])
        let workersBefore = try Run.process("/usr/bin/git", ["rev-parse", "-q", "--verify", "refs/orch/workers"], in: team.repo.path).stdout

        try team.repo.git("config", "orch.sandbox", "bwrap")
        let refused = try Run.orch(["start", "--workers", "1", "--until-done"], in: team.repo.path, environment: environment)
        #expect(refused.status != 0)
        #expect(refused.stderrLines.count == 1 && refused.stderr.contains("orch.sandbox") && refused.stderr.contains("bwrap) is not on PATH"),
                "\(refused.stderr)")
        #expect(team.events("supervisor-started").isEmpty, "nothing started")
        #expect(try Run.process("/usr/bin/git", ["rev-parse", "-q", "--verify", "refs/orch/workers"], in: team.repo.path).stdout == workersBefore)

        try team.repo.git("config", "orch.sandbox", "auto")
        let supervisor = try BackgroundSupervisor(["start", "--workers", "1", "--until-done"], in: team.repo.path, environment: environment)
        let confinement = eventually(timeout: 30) {
            guard let result = try? Run.orch(["status", "--json"], in: team.repo.path, environment: environment),
                  let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                  let workers = object["workers"] as? [[String: Any]] else { return false }
            return workers.first?["confinement"] as? String == "unconfined: bubblewrap (bwrap) is not on PATH"
        }
        #expect(confinement, "\(supervisor.text)")
        #expect(supervisor.wait(timeout: 60) == 0, "\(supervisor.text)")
        #expect(supervisor.text.components(separatedBy: "agents run unconfined").count == 2, "warned once: \(supervisor.text)")
        #expect(try team.taskStates() == ["one": "done"])
    }
}

/// The real Claude Code inside the sandbox, run by root: it accepts --dangerously-skip-permissions
/// (its uid there is 1000; no IS_SANDBOX) and finishes its task against the stand-in Anthropic
/// server (Tests/Fixtures/model-servers, from the real-agents issue).
@Suite(.serialized) struct SandboxedClaudeTests {
    static let server = URL(fileURLWithPath: FakeAgents.fixture).deletingLastPathComponent()
        .appendingPathComponent("model-servers/anthropic_messages.py").path
    static let claude: String? = {
        let script = "import claude_agent_sdk, os; print(os.path.join(os.path.dirname(claude_agent_sdk.__file__), '_bundled/claude'))"
        guard let result = try? Run.process("/usr/bin/env", ["python3", "-c", script], in: "/"), result.status == 0 else { return nil }
        let path = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()
    static let needs = [
        TestDependency.program("bwrap"), RealAgents.claude,
        TestDependency(description: "the stand-in Anthropic server (\(server))", isPresent: FileManager.default.fileExists(atPath: server)),
    ]

    @Test(.enabled(if: getuid() == 0 && TestDependency.runnable(needs), Comment(rawValue: "needs root; " + TestDependency.reason(needs))))
    func theRealClaudeRunByRootFinishesItsTaskInsideTheSandbox() throws {
        try TestDependency.require(Self.needs)
        let team = try TeamFixture()
        let folder = TemporaryDirectory("git-orch-claude")
        try FileManager.default.createDirectory(atPath: folder.path + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/bin/claude", withDestinationPath: try #require(RealAgents.located["claude"]))
        var quiet = ProcessSpawner.Options()
        (quiet.stdout, quiet.stderr) = (.null, .null)
        let model = try ChildProcess("/usr/bin/env", ["python3", Self.server, "--port-file", folder.path + "/port", "--log", folder.path + "/requests.jsonl",
                                                      "--lifetime", "120"], quiet)
        defer { model.terminate(); model.wait() }
        #expect(eventually(timeout: 20) { FileManager.default.fileExists(atPath: folder.path + "/port") })
        let port = try String(contentsOfFile: folder.path + "/port", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let binaries = URL(fileURLWithPath: OrchBinary.path).deletingLastPathComponent().path
        let environment = [
            "PATH": "\(folder.path)/bin:\(binaries):" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "ANTHROPIC_BASE_URL": "http://127.0.0.1:\(port)", "ANTHROPIC_API_KEY": "stand-in",
            "CLAUDE_CONFIG_DIR": folder.path + "/claude", "IS_SANDBOX": "", "DISABLE_AUTOUPDATER": "1",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        ]
        try team.repo.git("config", "orch.sandbox", "bwrap")
        #expect(try Run.orch(["task", "add", "write notes/hello.txt: hello from the sandbox"], in: team.repo.path, environment: environment).status == 0)
        let run = try Run.orch(["start", "--workers", "1", "--until-done", "--agent", "claude"], in: team.repo.path, environment: environment)
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(try team.taskStates() == ["write notes/hello.txt: hello from the sandbox": "done"])
        #expect(try team.repo.git("show", "orch/indigo:notes/hello.txt") == "hello from the sandbox")
        // The agent's stream as it came (the terminal log is its transcript).
        let log = try String(contentsOfFile: team.repo.path + "/.git/orch/logs/indigo.raw.log", encoding: .utf8)
        #expect(!log.contains("cannot be used with root"))
        #expect(log.contains(#""permissionMode":"bypassPermissions""#), "claude took --dangerously-skip-permissions")
        let initLine = log.split(separator: "\n").first { $0.contains(#""subtype":"init""#) }.map(String.init) ?? log
        #expect(initLine.contains(#""name":"git-orch","status":"connected""#), "git orch mcp reached through the worker: \(initLine.prefix(600))")
    }
}
