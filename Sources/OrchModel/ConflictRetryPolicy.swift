/// What the next attempt of a task gets after the merge queue rejected its work for conflicts:
/// its own branch merged with the new main, the conflict markers in place, for its agent to
/// resolve (the work is kept, only the overlap is redone), or, after `retries` such tries, a
/// clean start from main. Both the queue (which keeps the task with its worker) and the worker
/// (which prepares the branch) ask this one function, so they agree.
public enum ConflictRetryPolicy {
    /// The default of `orch.conflictRetries`.
    public static let defaultRetries = 2

    /// Whether `task`'s next attempt resolves its conflicts on its branch: its latest rejection
    /// was for conflicts, and it has been rejected for conflicts at most `retries` times.
    public static func resolvesOnBranch(_ task: TaskID, entries: [QueueEntry], retries: Int) -> Bool {
        let mine = entries.filter { $0.task == task && $0.state == .rejected }
        guard let latest = mine.max(by: { $0.id < $1.id }), !latest.conflicts.isEmpty else { return false }
        return mine.filter { !$0.conflicts.isEmpty }.count <= retries
    }
}
