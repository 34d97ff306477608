#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import GitKit
import GitOrchCLI
import OrchCatalog
import OrchModel
import OrchRuntime
import OrchStore
import ProcessKit

extension GitOrchRun {
    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the team: N agent workers, each in its own worktree and branch, pulling tasks from the graph.",
            discussion: """
            Workers come back with their registered settings (refs/orch/workers) unless overridden here. \
            Ctrl-C stops them after they save their work; a second Ctrl-C kills them. \
            Exit status with --until-done: 0 when every task is done, 1 when some are not. \
            Before anything changes, start runs the checks of 'git orch doctor' that would make it fail (agent on PATH \
            and willing to run unattended, task graph, main branch, settings) and refuses with the first problem.
            """)

        @Option(name: [.short, .long], help: "How many workers (1-\(TeamRequest.maxWorkers); default: the registered team, or \(TeamRequest.defaultWorkers)).")
        var workers: Int?

        @Option(help: "Agent preset (claude, codex, aider, or one of yours) or a command line such as \"mytool {prompt_file}\".")
        var agent: String?

        @Option(help: "A mission from Missions/ (or .orch/missions/): its team, budget and starting tasks.")
        var mission: String?

        @Option(help: "Comma-separated roles every worker takes tasks for (default: any).")
        var roles: String?

        @Option(help: "Model name passed to the agent.")
        var model: String?

        @Option(help: "Budget per worker in USD; a worker that reaches it pauses.")
        var budget: Double?

        @Flag(help: "Run in the background; talk to it with status, logs, stop.")
        var detach = false

        @Flag(help: "Return when no task is ready or claimed and no worker is busy.")
        var untilDone = false

        @Flag(help: "Also serve the dashboard (git orch dashboard) while the team runs; it prints its URL.")
        var dashboard = false

        @Option(help: "Run the team on this git remote with other machines: claims count once pushed, one queue runner serves its main (default: git config orch.claimRemote).")
        var remote: String?

        func validate() throws {
            if let workers, !(1...TeamRequest.maxWorkers).contains(workers) {
                throw ValidationError("--workers must be between 1 and \(TeamRequest.maxWorkers), not \(workers)")
            }
            if let budget, !(budget > 0 && budget < 1_000_000) { throw ValidationError("--budget must be a positive amount in USD") }
            if let agent, agent.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--agent must not be empty") }
            if let remote, remote.isEmpty || remote.hasPrefix("-") { throw ValidationError("--remote must name a git remote") }
            if let roles { for role in roles.split(separator: ",") { try checkRole(String(role)) } }
            if mission != nil && (workers != nil || roles != nil) {
                throw ValidationError("--mission decides the team; leave out --workers and --roles")
            }
        }

        private func checkRole(_ role: String) throws {
            do { try FieldRules.validateRole(role) } catch { throw ValidationError("--roles: \(error)") }
        }

        func run() throws {
            let context = try RunContext.open()
            if let remote {
                do { _ = try RemoteGit(remote: remote, repository: context.repository) } catch { throw CLIError.input("--remote: \(error)") }
                // The workers and the queue runner inherit the team's remote from this process.
                setenv(TeamRemote.environmentKey, remote, 1)
            }
            if let name = TeamRemote.name(in: context.repository),
               (try? Subprocess.run("git", ["config", "--get", "remote.\(name).url"], in: context.repository.workingDirectory ?? "."))?.status != 0 {
                throw CLIError.input("the team's remote '\(name)' (--remote or orch.claimRemote) is not a remote of this repository (see 'git remote -v')")
            }
            var settings = try context.settings()
            var request = TeamRequest(workers: workers, agent: agent, roles: roles.map { $0.split(separator: ",").map(String.init) },
                                      model: model, budgetUSD: budget)
            // What would make the team fail to start, before anything changes (see git orch doctor).
            try DoctorReport.preflight(context, agent: agent, createsGraph: mission != nil)
            let catalog = context.catalog()
            if let roles = request.roles {
                for role in roles where catalog.role(role) == nil {
                    throw CLIError.input("--roles: unknown role '\(role)' (see 'git orch roles list')")
                }
            }
            if let name = mission {
                guard let found = catalog.missions[name] else {
                    throw CLIError.input("unknown mission '\(name)' (known: \(catalog.missions.keys.sorted().joined(separator: ", ")))")
                }
                request.rolePerWorker = found.team.flatMap { Array(repeating: $0.role, count: $0.count) }
                if settings.teamBudgetUSD == nil { settings.teamBudgetUSD = found.budgetUSD }
                try MissionTasks.addIfEmpty(found, repository: context.repository, console: context.console)
                // Without orch.testCommand the merge queue tests with the mission's command; the
                // workers and the queue runner inherit it from this process.
                if (try? context.repository.configString("orch.testCommand")) == nil, !found.testCommand.isEmpty {
                    setenv("GIT_ORCH_TEST_COMMAND", found.testCommand, 1)
                    settings = try context.settings()
                    if settings.teamBudgetUSD == nil { settings.teamBudgetUSD = found.budgetUSD }
                    context.console.print("merge queue: testing with the mission's test command '\(found.testCommand)' (set orch.testCommand to change it)")
                }
                // The mission's project setup, below git config (ProjectSetup.load reads these).
                if let setup = found.setupCommand { setenv("GIT_ORCH_SETUP_COMMAND", setup, 1) }
                if !found.copyFiles.isEmpty { setenv("GIT_ORCH_COPY_FILES", found.copyFiles.joined(separator: "\n"), 1) }
                if let range = found.portRange { setenv("GIT_ORCH_PORT_RANGE", String(range), 1) }
                if found.setupCommand != nil || !found.copyFiles.isEmpty || found.portRange != nil {
                    settings.project = try runtime { () throws(RuntimeError) in try ProjectSetup.load(RuntimeConfig.read(in: context.root)) }
                }
            }
            if let pid = try? Supervisor.runningPID(context.paths) ?? nil {
                throw CLIError.input(RuntimeError.alreadyRunning(pid: pid).description)
            }
            if detach { try Detach.start(context: context, arguments: CommandLine.arguments.dropFirst().filter { $0 != "--detach" }, dashboard: dashboard) }
            let console = context.console
            let supervisor = try runtime { () throws(RuntimeError) in
                try Supervisor(repository: context.repository, settings: settings, options: Supervisor.Options(
                    request: request, untilDone: untilDone, executable: RunningProgram.path, color: console.usesColor,
                    print: { console.print($0) }))
            }
            let dashboardPID = dashboard ? DashboardCompanion.start(console: console) : nil
            defer { if let dashboardPID { DashboardCompanion.stop(dashboardPID) } }
            let status = try runtime { () throws(RuntimeError) in try supervisor.run() }
            if status != 0 { throw CLIError.exit(status) }
        }
    }
}

/// A mission's starting tasks go into an empty graph (never on top of existing work).
enum MissionTasks {
    static func addIfEmpty(_ mission: Mission, repository: Repository, console: Console) throws(CLIError) {
        let store = TaskStore(repository: repository)
        do {
            _ = try store.initialize()
            let graph = try store.snapshot().graph
            guard graph.count == 0, !mission.startingTasks.isEmpty else { return }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let text = mission.startingTasks.map { String(decoding: (try? encoder.encode($0)) ?? Data(), as: UTF8.self) }.joined(separator: "\n")
            let lines = try TaskImport.parse(text, source: mission.source)
            let tasks = try TaskImport.tasks(from: lines, source: mission.source, graph: graph, start: SystemClock.now()) { title, time throws(StoreError) in
                try store.newTaskID(title: title, at: time)
            }
            try store.apply(.add(tasks))
            console.print("added the \(tasks.count) starting tasks of mission \(mission.id)")
        } catch {
            throw .store(error)
        }
    }
}

/// `start --detach`: the same command again in a new session with its output in
/// `.git/orch/run/supervisor.log`; returns once its control socket answers.
enum Detach {
    static func start(context: RunContext, arguments: [String], dashboard: Bool) throws(CLIError) -> Never {
        let started = Date()
        let logPath = context.paths.run + "/supervisor.log"
        try? FileManager.default.createDirectory(atPath: context.paths.run, withIntermediateDirectories: true, attributes: nil)
        var options = ProcessSpawner.Options()
        options.newSession = true
        options.stdin = .null
        options.stdout = .path(logPath, flags: O_WRONLY | O_CREAT | O_TRUNC)
        options.stderr = .path(logPath, flags: O_WRONLY | O_CREAT | O_APPEND)
        let pid: Int32
        do { pid = try ProcessSpawner.spawn(RunningProgram.path, arguments, options) } catch { throw .input(error.description) }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let status = ProcessSpawner.wait(pid, block: false) {
                let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
                context.console.writeError(log.trimmingCharacters(in: .whitespacesAndNewlines))
                throw .exit(status == 0 ? 128 : status)
            }
            if let fd = ControlSocket.connect(context.paths) {
                close(fd)
                context.console.print("supervisor started in the background (pid \(pid)); log: \(logPath)")
                if dashboard { DetachedDashboard.printURL(context: context, startedAfter: started) }
                context.console.print("see 'git orch status', 'git orch logs NAME', and 'git orch stop'")
                exit(0)
            }
            usleep(50_000)
        }
        throw .input("the supervisor (pid \(pid)) did not answer within 30 s; see \(logPath)")
    }
}

/// `start --dashboard`: `git-orch-dashboard` next to the supervisor, in its process group (so
/// Ctrl-C reaches both), stopped when the supervisor returns. Its URL goes to our output.
enum DashboardCompanion {
    static func start(console: Console, in directory: String? = nil) -> Int32? {
        let path = RunningProgram.sibling("git-orch-dashboard")
        var options = ProcessSpawner.Options()
        options.directory = directory
        do { return try ProcessSpawner.spawn(path, ["--companion"], options) } catch {
            console.writeError("git-orch: warning: no dashboard: \(error) (reinstall git-orch with ./install.sh)")
            return nil
        }
    }

    static func stop(_ pid: Int32) {
        kill(pid, SIGTERM)
        _ = ProcessSpawner.wait(pid, block: true)
    }
}
