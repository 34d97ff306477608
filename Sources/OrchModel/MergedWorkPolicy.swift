/// Which tasks have their work merged but are not done: the merge queue moved main (on a team,
/// the remote's main) and marked the entry merged, but the task's completion never landed. A
/// queue runner killed between the push of main and the completion leaves this; so does a
/// completion that failed to write. Their workers have moved on, so nobody else would ever
/// finish them: the queue runner completes them at its next step, and the supervisor starts a
/// runner for them when the queue is otherwise empty.
public enum MergedWorkPolicy {
    /// The merged entries whose task is still open or claimed, one per task (its latest entry,
    /// which must itself be merged: a task enqueued again after a merge waits for that entry).
    /// Tasks not in `graph`, failed or done ones are left alone.
    public static func unsettled(entries: [QueueEntry], graph: TaskGraph) -> [QueueEntry] {
        var latest: [TaskID: QueueEntry] = [:]
        for entry in entries {
            guard let task = entry.task else { continue }
            if let seen = latest[task], seen.id > entry.id { continue }
            latest[task] = entry
        }
        return latest.values.filter { entry in
            guard entry.state == .merged, let task = entry.task.flatMap({ graph[$0] }) else { return false }
            return task.status == .open || task.status == .claimed
        }.sorted { $0.id < $1.id }
    }
}
