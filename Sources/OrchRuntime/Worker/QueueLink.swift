import Foundation
import GitKit
import OrchModel

/// A worker's side of the merge queue: finished work is enqueued (the task completes when the
/// queue merges it), and before each task the branch catches up with main, with rejected work
/// set aside under `refs/orch-rejected/` rather than dropped.
struct QueueLink {
    let repository: Repository
    let record: WorkerRecord
    let worktree: String
    let mainBranch: String

    private var queue: MergeQueue { MergeQueue(repository: repository) }

    /// Whether the worker's branch has commits main does not.
    func hasUnmergedWork() throws(RuntimeError) -> Bool {
        let count = try GitCLI(directory: worktree).output(["rev-list", "--count", "\(mainBranch)..HEAD"])
        return (Int(count) ?? 0) > 0
    }

    func enqueue(_ task: Task) throws(RuntimeError) -> QueueEntry {
        let unresolved = try ConflictMerge.pathsWithMarkers(worktree: worktree, mainBranch: mainBranch)
        guard unresolved.isEmpty else {
            throw .invalidInput("conflict markers are left in \(unresolved.joined(separator: ", ")); resolve them before the work can be merged")
        }
        do { return try queue.enqueue(branch: record.branch, task: task.id, worker: record.name) } catch {
            throw .invalidInput("merge queue: \(error.description)")
        }
    }

    /// Tasks of this worker waiting in the queue: claimed, but not to be worked on again.
    func queuedTasks() throws(RuntimeError) -> Set<TaskID> {
        let entries = try queueEntries()
        return Set(entries.filter { $0.state.isActive && $0.worker == record.name }.compactMap(\.task))
    }

    /// Tasks this worker must not resume: queued, or merged already (a team on a remote learns of
    /// the merge a moment before the task is marked done).
    func handedOverTasks() throws(RuntimeError) -> Set<TaskID> {
        let entries = try queueEntries()
        return Set(entries.filter { ($0.state.isActive || $0.state == .merged) && $0.worker == record.name }.compactMap(\.task))
    }

    /// The queue's entries; a queue that cannot be read is an error, never "nothing queued" (the
    /// worker would run queued work again).
    private func queueEntries() throws(RuntimeError) -> [QueueEntry] {
        do { return try queue.entries() } catch {
            throw .invalidInput("merge queue: \(error.description)")
        }
    }

    /// Brings the branch up to main before a task: fast-forward when everything on it is merged;
    /// when its work was rejected, keep that work under a ref and start again from main, or, when
    /// it was rejected for conflicts with tries left (`orch.conflictRetries`), merge main into it
    /// with the markers committed for the agent to resolve (`ConflictMerge`). Returns the
    /// rejection reasons by task, for the next attempt's prompt.
    func catchUp() throws(RuntimeError) -> [TaskID: String] {
        let git = GitCLI(directory: worktree)
        guard try hasUnmergedWork() else {
            try git.run(["merge", "-q", "--ff-only", mainBranch])
            return [:]
        }
        let head = try git.output(["rev-parse", "HEAD"])
        // Unread, the queue would look empty and work still queued would be reset below.
        let entries: [QueueEntry]
        do { entries = try queue.entries() } catch { throw .invalidInput("merge queue: \(error.description)") }
        let mine = entries.filter { $0.branch == record.branch }
        // The agent had its try at the conflicts (it committed on top of the merge with the
        // markers) and left markers: that try failed, so the task starts over from main, its work
        // kept under refs/orch-rejected/. Without this every later attempt met the same markers.
        let markers = try ConflictMerge.pathsWithMarkers(worktree: worktree, mainBranch: mainBranch)
        if !markers.isEmpty, !mine.contains(where: { $0.state.isActive }),
           !(try git.output(["log", "-1", "--format=%B", "HEAD"])).contains(ConflictMerge.trailer) {
            try git.run(["update-ref", "-m", "git-orch: conflicts left unresolved", "refs/orch-rejected/\(record.name)/\(head.prefix(12))", head])
            try git.run(["reset", "-q", "--hard", mainBranch])
            var reasons: [TaskID: String] = [:]
            if let task = mine.last(where: { $0.state == .rejected })?.task {
                reasons[task] = "the conflicts with \(mainBranch) in \(markers.joined(separator: ", ")) were left unresolved; this attempt starts over from \(mainBranch)"
            }
            return reasons
        }
        // Work still queued (or not queued at all, e.g. a wip commit) stays where it is.
        guard mine.contains(where: { $0.tip == head && $0.state == .rejected }),
              !mine.contains(where: { $0.state.isActive }) else { return [:] }
        try git.run(["update-ref", "-m", "git-orch: rejected by the merge queue", "refs/orch-rejected/\(record.name)/\(head.prefix(12))", head])
        var reasons: [TaskID: String] = [:]
        let rejected = mine.filter { $0.state == .rejected && $0.tip == head }
        // Rejected for conflicts, with tries left: the agent resolves them on this branch.
        let retries = queue.configuration.conflictRetries
        if let task = rejected.compactMap(\.task).first,
           ConflictRetryPolicy.resolvesOnBranch(task, entries: entries, retries: retries) {
            let guidance = try ConflictMerge(worktree: worktree, mainBranch: mainBranch, branch: record.branch).prepare()
            reasons[task] = (rejected.first { $0.task == task }?.reason ?? "conflicts with \(mainBranch)") + "\n\n" + guidance
            return reasons
        }
        try git.run(["reset", "-q", "--hard", mainBranch])
        for entry in rejected {
            if let task = entry.task { reasons[task] = entry.reason ?? "rejected by the merge queue" }
        }
        return reasons
    }
}
