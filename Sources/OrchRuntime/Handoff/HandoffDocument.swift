import Foundation
public import GitKit
public import OrchModel
import OrchStore

/// Writes the Markdown handoff document from what git and the runtime know about a worker: the
/// task in hand, commits since its last handoff, uncommitted changes, files touched, test status,
/// the tail of its agent's terminal, its other tasks, costs, and how to continue.
public struct HandoffDocument {
    public struct Input {
        public var worker: WorkerRecord
        /// Who continues: `worker` itself, or the `--to` worker.
        public var recipient: String
        public var reason: String
        public var mainBranch: String
        public var time: Timestamp

        public init(worker: WorkerRecord, recipient: String, reason: String, mainBranch: String, time: Timestamp) {
            self.worker = worker
            self.recipient = recipient
            self.reason = reason
            self.mainBranch = mainBranch
            self.time = time
        }
    }

    let repository: Repository
    let repositoryRoot: String
    let paths: RuntimePaths
    /// Lines of terminal output kept in the document.
    public var tailLines = 40

    public init(repository: Repository, repositoryRoot: String) {
        self.repository = repository
        self.repositoryRoot = repositoryRoot
        paths = RuntimePaths(repository: repository)
    }

    /// The document, and the task in hand (nil when the worker holds none).
    public func build(_ input: Input) throws(RuntimeError) -> (text: String, task: Task?) {
        let name = input.worker.name
        let graph = try store { () throws(StoreError) in try TaskStore(repository: repository).snapshot() }.graph
        let held = graph.tasks.values.filter { $0.status == .claimed && $0.assignee == name }.sorted(by: TaskGraph.claimOrder)
        let task = held.first
        let git = GitCLI(directory: repositoryRoot)
        let branch = input.worker.branch
        let head = try repository.branchTip(branch)
        let previous = try store { () throws(StoreError) in try HandoffStore(repository: repository).list() }.last { $0.from == name || $0.worker == name }
        let since = previous?.commit.flatMap { commit in git.succeeds(["merge-base", "--is-ancestor", commit, branch]) ? commit : nil }
            ?? (git.succeeds(["rev-parse", "--verify", "-q", input.mainBranch]) ? input.mainBranch : nil)
        let range = since.map { "\($0)..\(branch)" } ?? branch

        var sections: [String] = []
        var header = "# Handoff: \(name)"
        if input.recipient != name { header += " to \(input.recipient)" }
        header += "\n\n- Written: \(input.time.iso8601) (\(input.reason))"
        header += "\n- Worker: \(name) (agent \(input.worker.agent)\(input.worker.model.map { ", model \($0)" } ?? ""))"
        if input.recipient != name { header += "\n- Continued by: \(input.recipient)" }
        header += "\n- Branch: \(branch)" + (head.map { " at \($0.prefix(12))" } ?? " (not created yet)")
        if let previous { header += "\n- Previous handoff: \(previous.id)" }
        sections.append(header)

        if let task {
            var text = "## Task in hand\n\n\(task.id.hex.prefix(8)) \(task.title)\n\n- State: \(task.status.rawValue), attempt \(task.attempts)"
            if !task.files.isEmpty { text += "\n- Files expected: \(task.files.joined(separator: ", "))" }
            if !task.body.isEmpty { text += "\n\n" + Self.quote(task.body) }
            sections.append(text)
        } else {
            sections.append("## Task in hand\n\nNone: \(name) holds no claimed task.")
        }

        if head != nil {
            // The branch and `since` were both just verified: git failing here is an error, not "no commits".
            let log = try git.output(["log", "--format=%h %s", range])
            var stat = ""
            if let since { stat = try git.output(["diff", "--stat", since, branch]) }
            var text = "## Commits since " + (previous != nil ? "the last handoff" : "\(input.mainBranch)")
            text += "\n\n" + (log.isEmpty ? "None." : Self.block(log))
            if !stat.isEmpty { text += "\n\nDiff summary:\n\n" + Self.block(stat) }
            sections.append(text)
        }

        let worktree = paths.worktree(name)
        let worktreeGit = GitCLI(directory: worktree)
        var touched = Set<String>()
        if let since, head != nil {
            touched.formUnion(try git.output(["diff", "--name-only", since, branch]).split(separator: "\n").map(String.init))
        }
        if FileManager.default.fileExists(atPath: worktree + "/.git") {
            let status = try worktreeGit.output(["status", "--porcelain", "--untracked-files=all"])
            touched.formUnion(status.split(separator: "\n").map { String($0.dropFirst(3)) })
            sections.append("## Uncommitted changes\n\n" + (status.isEmpty
                ? "None."
                : Self.block(status) + "\n\nStep 2 of the handoff commits these on \(branch)."))
        }
        sections.append("## Files touched\n\n" + (touched.isEmpty ? "None." : touched.sorted().map { "- \($0)" }.joined(separator: "\n")))

        sections.append("## Test status\n\n" + testStatus(head))
        sections.append("## The agent's own summary\n\n" + agentSummary(name))

        let others = graph.tasks.values.filter { $0.assignee == name && $0.status == .claimed && $0.id != task?.id }
        var remaining = others.map { "- \($0.id.hex.prefix(8)) \($0.title) (claimed)" }
        let ready = graph.readyTasks()
        if !ready.isEmpty { remaining.append("- \(ready.count) ready task(s) in the team's graph (`git orch ready`)") }
        sections.append("## Remaining tasks\n\n" + (remaining.isEmpty ? "None besides the task in hand." : remaining.joined(separator: "\n")))

        // A damaged ledger does not stop the handoff, but the document says so rather than
        // leave the section out as if nothing had been spent.
        do {
            if let cost = try Ledger(repository: repository).summary().byWorker[name] {
                sections.append(String(format: "## Cost so far\n\n%d runs, $%.4f, %d input and %d output tokens.",
                                       cost.runs, cost.costUSD, cost.inputTokens, cost.outputTokens))
            }
        } catch {
            sections.append("## Cost so far\n\nUnknown: \(StateRefs.ledger) cannot be read (\(error.description)).")
        }
        sections.append("## Open questions\n\n" + openQuestions(name))
        sections.append("## How to continue\n\n" + howToContinue(input, task: task, head: head))
        return (sections.joined(separator: "\n\n") + "\n", task)
    }

    private func testStatus(_ head: String?) -> String {
        guard let head, let oid = OID(hex: head) else { return "No commit yet." }
        let note: String?
        do { note = try repository.note(on: oid, notesRef: StateRefs.testNotes) } catch {
            return "Unknown: the test note of \(head.prefix(12)) cannot be read from \(StateRefs.testNotes) (\(error.description))."
        }
        if let note { return "Recorded for \(head.prefix(12)):\n\n" + Self.block(note.trimmed) }
        return "No test result recorded for \(head.prefix(12)) (refs/notes/orch/tests); run the tests before finishing."
    }

    /// The adapters here have no way to ask an agent for a summary out of band, so the document
    /// carries what the agent last printed: its terminal tail, escape sequences removed.
    private func agentSummary(_ name: String) -> String {
        guard let data = FileManager.default.contents(atPath: paths.terminalLog(name)) else { return "No terminal output recorded." }
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            .map { TerminalText.clean($0) }
            .filter { !$0.trimmed.isEmpty }
            .suffix(tailLines)
            .map { $0.count > 400 ? String($0.prefix(400)) + "…" : $0 }
        return lines.isEmpty ? "No terminal output recorded." : "The last lines of its terminal:\n\n" + Self.block(lines.joined(separator: "\n"))
    }

    private func openQuestions(_ name: String) -> String {
        let waiting = EventLog(path: paths.events).tail(200).last { $0.worker == name && $0.state != nil }
        if waiting?.state == WorkerState.needsInput.rawValue {
            return "The agent was waiting for input: \(waiting?.message ?? "see the terminal tail above")."
        }
        return "None recorded."
    }

    private func howToContinue(_ input: HandoffDocument.Input, task: Task?, head: String?) -> String {
        var lines: [String] = []
        if let task {
            lines.append("- Continue task \(task.id.hex.prefix(8)) (\(task.title)) where the commits above leave it; do not redo finished parts.")
        } else {
            lines.append("- Take the next ready task; nothing is in progress.")
        }
        if input.recipient != input.worker.name {
            lines.append("- The work so far is on branch \(input.worker.branch)\(head.map { " at \($0.prefix(12))" } ?? ""): bring it into your branch before you continue (`git merge \(input.worker.branch)`).")
        } else {
            lines.append("- Your worktree is on \(input.worker.branch) with the work so far committed.")
        }
        lines.append("- Check the uncommitted changes and the terminal tail above for work that was in flight, then run the tests.")
        // No session file is normal (the agent does not resume sessions, or never started one).
        if let session = try? String(contentsOfFile: paths.run + "/\(input.worker.name).session", encoding: .utf8),
           let id = session.split(separator: " ").last.map({ String($0).trimmed }), !id.isEmpty {
            lines.append("- The previous agent session was \(id); an agent that can resume sessions may reopen it.")
        }
        return lines.joined(separator: "\n")
    }

    static func block(_ text: String) -> String { "```\n" + text.trimmed + "\n```" }

    static func quote(_ text: String) -> String {
        text.trimmed.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }.joined(separator: "\n")
    }
}
