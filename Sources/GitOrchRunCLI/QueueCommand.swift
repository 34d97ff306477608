import ArgumentParser
import GitKit
import GitOrchCLI
import OrchModel
import OrchRuntime
import OrchStore

extension GitOrchRun {
    /// `git orch queue ...`: the merge queue in refs/orch/queue.
    struct Queue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The merge queue: main only moves to commits whose exact tree passed the tests.",
            discussion: """
                Entries are merged in memory onto the protected branch (orch.mainBranch, default: the \
                branch HEAD names), tested in a scratch worktree with orch.testCommand, noted in \
                refs/notes/orch/tests, and merged by compare-and-swap when green. Batches of \
                orch.queue.batchSize (default: adaptive, from the recent failure rate) are bisected when \
                red; orch.queue.parallel candidates (default: one per core, more when the tests leave \
                the cores idle) are tested at once, each built on the one before; a tree already tested \
                is not run again; orch.queue.retries re-runs a failing test command (flaky tests); \
                orch.queue.timeoutSeconds stops a hanging one.
                """,
            subcommands: [Add.self, List.self, Run.self, Status.self, Remove.self, GC.self])
    }
}

extension GitOrchRun.Queue {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a branch (its current tip) in the queue.")

        @Argument(help: "The branch to merge (a local branch).") var branch: String
        @Option(help: "The task its work belongs to (id or prefix): done when merged, released when rejected.") var task: String?
        @Option(help: "The worker that made it.") var worker: String?
        @OptionGroup var output: JSONOption

        func run() throws {
            let queue = try QueueCLI.openQueue()
            var taskID: TaskID?
            if let task {
                do {
                    taskID = try TaskStore(repository: queue.repository).snapshot().graph.resolve(task)
                } catch {
                    throw CLIError.input("--task: \(error)")
                }
            }
            let entry = try QueueCLI.call { () throws(MergeQueueError) in try queue.enqueue(branch: branch, task: taskID, worker: worker) }
            if output.json {
                Console.current.write(QueueCLI.json(entry))
            } else {
                Console.current.print("queued #\(entry.id) \(entry.branch) at \(entry.tip.prefix(12))")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List queue entries: waiting first, then merged and rejected ones.")

        @Flag(help: "Only entries still waiting (queued or testing).") var active = false
        @OptionGroup var output: JSONOption

        func run() throws {
            let queue = try QueueCLI.openQueue()
            var entries = try QueueCLI.call { () throws(MergeQueueError) in try queue.entries() }
            if active { entries = entries.filter { $0.state.isActive } }
            if output.json {
                Console.current.write(QueueCLI.json(entries))
                return
            }
            let style = QueueCLI.style
            let rows = entries.map { entry in
                [String(entry.id), entry.state.rawValue, entry.branch, String(entry.tip.prefix(10)), entry.worker ?? "-",
                 entry.reason.map { String($0.prefix { $0 != "\n" }) } ?? ""]
            }
            Console.current.write(Array(TextTable.render(["ID", "STATE", "BRANCH", "TIP", "WORKER", "REASON"], rows, style: style) { column, cell in
                guard column == 1 else { return cell }
                if cell.hasPrefix("merged") { return style.green(cell) }
                if cell.hasPrefix("rejected") { return style.red(cell) }
                if cell.hasPrefix("testing") { return style.yellow(cell) }
                return cell
            }.utf8))
        }
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Process the queue until it is empty.",
            discussion: "Exit status 0 when everything merged, 1 when an entry was rejected, merging halted (main is red), or a green merge waits for a checkout of main with overlapping local changes (held).")

        @Option(help: "Entries tested together (default: orch.queue.batchSize, else adaptive; 1: one at a time).") var batch: Int?
        @Option(help: "Re-runs of a failing test command (default: orch.queue.retries, else 0).") var retries: Int?
        @Option(help: "The test command (default: orch.testCommand).") var testCommand: String?
        @Option(help: "Candidates tested at once, each on the one before (default: orch.queue.parallel, else automatic; at most the cores).")
        var parallel: Int?
        @OptionGroup var output: JSONOption

        func validate() throws {
            if let batch, batch < 1 { throw ValidationError("--batch must be at least 1") }
            if let retries, retries < 0 { throw ValidationError("--retries must not be negative") }
            if let parallel, parallel < 1 { throw ValidationError("--parallel must be at least 1") }
        }

        func run() throws {
            let queue = try QueueCLI.openQueue()
            if let batch { queue.configuration.batchSize = batch }
            if let retries { queue.configuration.retries = retries }
            if let testCommand { queue.configuration.testCommand = testCommand }
            if let parallel { queue.configuration.parallelism = parallel }
            // A team on a remote: merge the pushed branches into the remote's main (RemoteQueueLayer).
            try QueueCLI.call { () throws(MergeQueueError) in try RemoteQueueLayer.attach(to: queue) }
            let json = output.json
            let report = try QueueCLI.call { () throws(MergeQueueError) in
                try queue.runUntilEmpty { step in
                    // A state write that failed is said at once, with or without --json (the
                    // supervisor relays these lines of its runner's log as warnings).
                    for problem in step.problems { Console.current.writeError(QueueStep.problemLinePrefix + problem) }
                    if !json { Self.describe(step, main: queue.configuration.mainBranch) }
                }
            }
            if json {
                Console.current.write(QueueCLI.json(RunJSON(report)))
            } else {
                Console.current.print("merged \(report.merged.count), rejected \(report.rejected.count), test runs \(report.testRuns)")
            }
            // Exit status 1: some work did not merge (the one-line reason goes to stderr).
            if let halted = report.halted { throw CLIError.nothingClaimable(halted) }
            if let held = report.held { throw CLIError.nothingClaimable("merge held: \(held)") }
            if !report.rejected.isEmpty {
                throw CLIError.nothingClaimable("\(report.rejected.count) of the entries were rejected (see 'git orch queue list')")
            }
        }

        static func describe(_ step: QueueStep, main: String) {
            let console = Console.current
            for entry in step.settled {
                console.print("completed task \(entry.task.map { String($0.hex.prefix(8)) } ?? "-") of #\(entry.id), merged earlier (its completion had been lost)")
            }
            let tested = step.tested.map { "#\($0)" }.joined(separator: ",")
            for entry in step.rejected {
                console.print("rejected #\(entry.id) \(entry.branch): \(entry.reason.map { String($0.prefix { $0 != "\n" }) } ?? "")")
            }
            // A round can merge some candidates and fail another: say both.
            if !step.merged.isEmpty {
                let merged = step.merged.map { "#\($0.id)" }.joined(separator: ",")
                console.print("merged \(merged) into \(main) at \(step.merged.last?.mergedAs.map { String($0.prefix(12)) } ?? "")")
            }
            switch step.kind {
            case .failed where step.rejected.isEmpty: console.print("tests failed on \(tested): bisecting")
            case .mainMoved: console.print("\(main) moved while \(tested) was tested: testing again")
            case .halted(let reason): console.writeError("git-orch: \(reason)")
            case .held(let reason): console.print("\(tested.isEmpty ? "merge" : tested) passed; held: \(reason)")
            default: break
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The protected branch, its last test, and what is waiting.")
        @OptionGroup var output: JSONOption

        func run() throws {
            let queue = try QueueCLI.openQueue()
            let status = try QueueCLI.call { () throws(MergeQueueError) in try queue.status() }
            if output.json {
                Console.current.write(QueueCLI.json(StatusJSON(status)))
                return
            }
            let style = QueueCLI.style
            let console = Console.current
            let test = status.mainTest.map { $0.passed ? style.green("passed") : style.red("failed") } ?? "untested"
            console.print("\(status.mainBranch): \(status.mainHead.map { String($0.prefix(12)) } ?? "missing") (\(test))")
            console.print("test command: \(status.testCommand ?? "none (set orch.testCommand)")")
            if let halted = status.halted { console.print(style.red("halted: ") + halted) }
            if let held = status.held { console.print(style.yellow("held: ") + held) }
            console.print("waiting: \(status.active.count), merged: \(status.merged), rejected: \(status.rejected)")
            for entry in status.active { console.print("  #\(entry.id) \(entry.state.rawValue) \(entry.branch)") }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take an entry out of the queue.")
        @Argument(help: "The entry's number (see 'git orch queue list').") var id: Int

        func run() throws {
            let queue = try QueueCLI.openQueue()
            let removed = try QueueCLI.call { () throws(MergeQueueError) in try queue.remove(id) }
            Console.current.print("removed #\(removed.id) \(removed.branch)")
        }
    }
}

extension GitOrchRun.Queue {
    struct GC: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gc",
            abstract: "Remove the queue's kept test worktrees (.git/orch/queue/lane-*) and their build caches.",
            discussion: """
                The queue keeps one test worktree per lane between runs, so ignored build caches \
                (node_modules, .build, target) stay warm and orch.setupCommand runs once per lane. \
                This removes them; the next run makes them again (a cold build). Refused while a \
                'git orch queue run' is going on.
                """)
        @OptionGroup var output: JSONOption

        func run() throws {
            let queue = try QueueCLI.openQueue()
            let removed = try QueueCLI.call { () throws(MergeQueueError) in try queue.removeTestLanes() }
            if output.json {
                Console.current.write(QueueCLI.json(["removed": removed]))
            } else if removed.isEmpty {
                Console.current.print("no test worktrees to remove")
            } else {
                Console.current.print("removed \(removed.count) test worktree(s):\n" + removed.map { "  " + $0 }.joined(separator: "\n"))
            }
        }
    }
}

/// `queue run --json`.
private struct RunJSON: Encodable {
    var merged: [QueueEntry]
    var rejected: [QueueEntry]
    var testRuns: Int
    var retestsAfterMainMoved: Int
    var halted: String?
    var held: String?
    init(_ report: QueueRunReport) {
        merged = report.merged
        rejected = report.rejected
        testRuns = report.testRuns
        retestsAfterMainMoved = report.retestsAfterMainMoved
        halted = report.halted
        held = report.held
    }
    enum CodingKeys: String, CodingKey {
        case merged, rejected, testRuns = "test_runs", retestsAfterMainMoved = "retests_after_main_moved", halted, held
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(merged, forKey: .merged)
        try container.encode(rejected, forKey: .rejected)
        try container.encode(testRuns, forKey: .testRuns)
        try container.encode(retestsAfterMainMoved, forKey: .retestsAfterMainMoved)
        try container.encode(halted, forKey: .halted)
        try container.encode(held, forKey: .held)
    }
}

/// `queue status --json`.
private struct StatusJSON: Encodable {
    var status: QueueStatus
    init(_ status: QueueStatus) { self.status = status }
    enum CodingKeys: String, CodingKey {
        case mainBranch = "main_branch", mainHead = "main_head", mainTest = "main_test", halted, held, testCommand = "test_command"
        case active, merged, rejected
    }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(status.mainBranch, forKey: .mainBranch)
        try container.encode(status.mainHead, forKey: .mainHead)
        try container.encode(status.mainTest, forKey: .mainTest)
        try container.encode(status.halted, forKey: .halted)
        try container.encode(status.held, forKey: .held)
        try container.encode(status.testCommand, forKey: .testCommand)
        try container.encode(status.active, forKey: .active)
        try container.encode(status.merged, forKey: .merged)
        try container.encode(status.rejected, forKey: .rejected)
    }
}
