import ArgumentParser
import Foundation
import GitOrchCLI
import OrchModel
import OrchRuntime
import OrchStore

extension GitOrchRun {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the team: each worker's state, task, rounds and cost; the tasks; the budget.",
            discussion: "Without a running supervisor, shows the registered workers and the task counts.")

        @Flag(help: "Print JSON (see docs/state-format.md).") var json = false

        func run() throws {
            let context = try RunContext.open()
            var status = try runtime { () throws(RuntimeError) in try TeamStatusReader.read(context: context).addingTeam(context.repository) }
            // The merge queue stops for a person in two ways: main is red, or the user's checkout holds a merge.
            let queue: QueueStatus?
            let queueError: String?
            do {
                queue = try MergeQueue(repository: context.repository).status()
                queueError = nil
            } catch {
                queue = nil
                queueError = error.description
            }
            if let queue, queue.halted != nil || queue.held != nil {
                status.mergeQueue = TeamStatus.MergeQueueStop(halted: queue.halted, held: queue.held)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                context.console.print(String(decoding: try encoder.encode(status), as: UTF8.self))
                if let queueError { context.console.writeError("git-orch: warning: merge queue: cannot read it: \(queueError)") }
                return
            }
            let style = Style(enabled: context.console.usesColor)
            let header = status.running
                ? "supervisor running (pid \(status.pid ?? 0)) on \(status.mainBranch ?? "?") since \(status.started ?? "?")"
                : "no supervisor running; registered workers:"
            context.console.print(header)
            if let team = status.team { context.console.print(TeamStatusText.describe(team)) }
            let rows = status.workers.map { worker in
                [worker.name + (worker.machine.map { "@" + $0 } ?? ""), worker.state, worker.task.map { String($0.prefix(8)) + " " + (worker.taskTitle ?? "") } ?? "-",
                 "\(worker.tasksDone)", String(format: "$%.2f", worker.costUSD) + (worker.budgetUSD.map { String(format: " / $%.2f", $0) } ?? ""),
                 [worker.reason, worker.confinement].compactMap { $0 }.joined(separator: "; ")]
            }
            context.console.print(TextTable.render(["WORKER", "STATE", "TASK", "DONE", "COST", "NOTE"], rows, style: style) { _, cell in cell })
            let tasks = status.tasks
            context.console.print("tasks: \(tasks.ready) ready, \(tasks.claimed) claimed, \(tasks.open) open, \(tasks.done) done, \(tasks.failed) failed")
            context.console.print(String(format: "cost: $%.4f", status.costUSD) + (status.budgetUSD.map { String(format: " of $%.2f", $0) } ?? ""))
            if let halted = status.mergeQueue?.halted { context.console.print(style.red("merge queue halted: ") + halted) }
            if let held = status.mergeQueue?.held { context.console.print(style.yellow("merge queue held: ") + held) }
            if let queueError { context.console.print(style.red("merge queue: ") + "cannot read it: \(queueError)") }
        }
    }
}

/// The status from the running supervisor, or built from git state when none runs.
enum TeamStatusReader {
    static func read(context: RunContext) throws(RuntimeError) -> TeamStatus {
        if let response = try? ControlSocket.send(ControlRequest(.status), to: context.paths), let status = response.status {
            return status
        }
        let records = try store { () throws(StoreError) in try WorkerRegistry(repository: context.repository).all() }.filter { !$0.retired }
        let summary = try store { () throws(StoreError) in try Ledger(repository: context.repository).summary() }
        var tasks = TeamStatus.Tasks()
        var holding: [String: Task] = [:]
        // No graph yet is a team with no tasks; a graph that cannot be read is an error.
        let graph: TaskGraph?
        do { graph = try TaskStore(repository: context.repository).snapshot().graph } catch {
            guard case .notInitialized = error else { throw .store(error) }
            graph = nil
        }
        if let graph {
            tasks = TeamStatus.Tasks(graph)
            for task in graph.tasks.values where task.status == .claimed {
                if let assignee = task.assignee { holding[assignee] = task }
            }
        }
        let settings = try RuntimeSettings(RuntimeConfig.read(in: context.root))
        return TeamStatus(
            running: false, pid: nil, started: nil, mainBranch: nil,
            workers: records.map { record in
                TeamStatus.Worker(
                    name: record.name, color: record.color.name, hex: record.color.hex, state: WorkerState.stopped.rawValue, pid: nil,
                    task: holding[record.name]?.id.hex, taskTitle: holding[record.name]?.title,
                    tasksDone: summary.byWorker[record.name]?.tasksDone ?? 0, failures: 0, restarts: 0,
                    costUSD: summary.byWorker[record.name]?.costUSD ?? 0, budgetUSD: record.budgetUSD, roles: record.roles,
                    agent: record.agent, model: record.model, branch: record.branch, reason: nil)
            },
            tasks: tasks, costUSD: summary.total.costUSD, budgetUSD: settings.teamBudgetUSD)
    }
}

/// The lines `status` prints about a team on a remote.
enum TeamStatusText {
    static func describe(_ team: TeamStatus.Team) -> String {
        let runner = team.queueRunner.map { "\($0.holder) (pid \($0.pid) on \($0.host), lease until \($0.expires))" } ?? "nobody"
        var lines = ["team on remote \(team.remote); this machine: \(team.machine); merge queue runner: \(runner)"]
        for machine in team.machines {
            lines.append("  machine \(machine.machine) (\(machine.host), pid \(machine.pid)): \(machine.stopped ? "stopped" : "heartbeat") \(machine.heartbeat); workers \(machine.workers.joined(separator: ", "))")
        }
        return lines.joined(separator: "\n")
    }
}
