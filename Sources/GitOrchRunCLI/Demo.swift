#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import GitKit
import GitOrchCLI
import OrchModel
import OrchRuntime
import OrchStore
import ProcessKit

extension GitOrchRun {
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "See git-orch do its whole job: a small project, a dozen tasks, 4 workers, the merge queue, a handoff.",
            discussion: """
            Creates DIR (default: ./git-orch-demo) with a small sh project and its tests, runs 4 workers \
            whose agent is git-orch's scripted agent (each task carries the edit it makes; no AI account \
            needed) through the merge queue, and prints a summary. One task breaks a test and is \
            rejected; two edit the same file and one is redone after a conflict; one worker hands off.
            """)

        @Argument(help: "Where to create the demo project (must not exist, or be empty).") var directory = "git-orch-demo"
        @Option(name: [.short, .long], help: "How many workers.") var workers = 4
        @Flag(help: "Do not serve the dashboard while the demo runs.") var noDashboard = false

        func validate() throws {
            guard (1...TeamRequest.maxWorkers).contains(workers) else {
                throw ValidationError("--workers must be between 1 and \(TeamRequest.maxWorkers), not \(workers)")
            }
        }

        func run() throws {
            let console = Console.current
            let root = URL(fileURLWithPath: directory, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL.path
            try DemoSetup.create(at: root, executable: RunningProgram.path)
            console.print("""
            git-orch demo in \(root)
              project: textkit (POSIX sh), tests: \(DemoProject.testCommand)
              \(DemoProject.tasks.count) tasks, \(workers) workers, agent: the scripted agent (made-up token counts)
              watch it from another terminal: cd \(root) && git orch status   (or: git orch logs indigo -f)

            """)
            let repository: Repository
            do { repository = try Repository.open(at: root) } catch { throw CLIError.store(.git(error)) }
            let settings: RuntimeSettings
            do { settings = try RuntimeSettings(RuntimeConfig.read(in: root)) } catch { throw CLIError.input(error.description) }
            let supervisor = try runtime { () throws(RuntimeError) in
                try Supervisor(repository: repository, settings: settings, options: Supervisor.Options(
                    request: TeamRequest(workers: workers, agent: "scripted"), untilDone: true,
                    executable: RunningProgram.path, color: console.usesColor, print: { console.print($0) }))
            }
            // The dashboard prints its URL: open it to watch the four terminals.
            let dashboard = noDashboard ? nil : DashboardCompanion.start(console: console, in: root)
            let status = try runtime { () throws(RuntimeError) in try supervisor.run() }
            if let dashboard { DashboardCompanion.stop(dashboard) }
            console.print("")
            console.print(try runtime { () throws(RuntimeError) in try DemoSummary.text(repository: repository, root: root) })
            // The demo succeeds when it ran to its end: one task failing is part of the show.
            if status != 0 && status != 1 { throw CLIError.exit(status) }
        }
    }
}

/// Writes the demo project, commits it, and prepares git-orch in it.
enum DemoSetup {
    static func create(at root: String, executable: String) throws(CLIError) {
        let manager = FileManager.default
        if manager.fileExists(atPath: root), !((try? manager.contentsOfDirectory(atPath: root))?.isEmpty ?? false) {
            throw .input("\(root) exists and is not empty; name a new folder: git orch demo DIR")
        }
        do {
            for (path, text) in DemoProject.files {
                let file = root + "/" + path
                try manager.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try text.write(toFile: file, atomically: true, encoding: .utf8)
            }
            try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root + "/bin/textkit")
        } catch {
            throw .input("\(root): cannot write the demo project (\(error.localizedDescription))")
        }
        func git(_ arguments: [String]) throws(CLIError) {
            guard let result = try? Subprocess.run("git", arguments, in: root), result.status == 0 else {
                throw .input("git \(arguments.joined(separator: " ")) failed in \(root)")
            }
        }
        try git(["init", "-q", "-b", "main"])
        if (try? Subprocess.run("git", ["config", "user.email"], in: root))?.status != 0 {
            try git(["config", "user.name", "git-orch demo"])
            try git(["config", "user.email", "demo@git-orch.invalid"])
        }
        try git(["add", "-A"])
        try git(["commit", "-q", "-m", "textkit: upper, and the test runner"])
        let settings: [(String, String)] = [
            ("orch.testCommand", DemoProject.testCommand),
            ("orch.maxAttempts", "3"),
            ("orch.handoffAfterTasks", "3"),
            ("orch.pollSeconds", "0.3"),
            ("orch.agentStartsPerMinute", "600"),
            // The scripted agent is this installation's own git-orch-run, wherever PATH points.
            ("orch.agent.scripted.command", "'\(executable)' __scripted-agent {prompt_file}"),
        ]
        for (key, value) in settings { try git(["config", key, value]) }
        do {
            let store = TaskStore(repository: try Repository.open(at: root))
            _ = try store.initialize()
            var ids: [String: TaskID] = [:]
            for task in DemoProject.tasks {
                ids[task.ref] = try store.addTask(title: task.title, body: task.body, deps: task.after.compactMap { ids[$0] }).id
            }
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .input("\(error)")
        }
    }
}

/// What the demo did, from the state it left in git.
enum DemoSummary {
    static func text(repository: Repository, root: String) throws(RuntimeError) -> String {
        let graph: TaskGraph
        do { graph = try TaskStore(repository: repository).snapshot().graph } catch { throw .store(error) }
        let tasks = graph.topologicalOrder()
        let done = tasks.filter { $0.status == .done }
        let failed = tasks.filter { $0.status == .failed }
        let queue = (try? MergeQueue(repository: repository).entries()) ?? []
        let merged = queue.filter { $0.state == .merged }
        let rejected = queue.filter { $0.state == .rejected }
        let ledger = try store { () throws(StoreError) in try Ledger(repository: repository).summary() }
        let handoffs = ((try? DocumentChain(repository: repository, ref: StateRefs.handoffs).documents()) ?? [:]).keys.filter { $0.hasSuffix(".md") }.count
        var lines = ["== summary =="]
        lines.append("tasks: \(done.count) done, \(failed.count) failed, \(tasks.count - done.count - failed.count) not done (of \(tasks.count))")
        lines.append("merge queue: \(merged.count) merged into main, \(rejected.count) rejected")
        for entry in rejected {
            let title = entry.task.flatMap { graph[$0]?.title } ?? entry.branch
            let reason = (entry.reason ?? "").split(separator: "\n").first.map(String.init) ?? ""
            lines.append("  rejected #\(entry.id) \(title): \(reason.prefix(140))")
        }
        for task in failed {
            let reason = (task.failureReason ?? "").split(separator: "\n").first.map(String.init) ?? ""
            lines.append("failed: \(task.title): \(reason.prefix(160))")
        }
        lines.append("handoffs written: \(handoffs) (git orch handoff list)")
        lines.append(String(format: "cost: $%.4f over %d agent runs, %d tokens in / %d out (made-up figures from the scripted agent)",
                            ledger.total.costUSD, ledger.total.runs, ledger.total.inputTokens, ledger.total.outputTokens))
        let tests = (try? Subprocess.run("sh", ["tests/run.sh"], in: root))?.output.split(separator: "\n").last.map(String.init) ?? "?"
        lines.append("main's tests: \(tests)")
        lines.append("""

        next:
          cd \(root) && git log --oneline --graph main      what the queue merged
          git orch log; git orch handoff list; git orch status
          with a real agent: git orch task add "..." && git orch start --agent claude   (or codex, aider)
        """)
        return lines.joined(separator: "\n")
    }
}
