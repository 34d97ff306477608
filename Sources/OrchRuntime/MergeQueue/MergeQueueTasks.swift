import GitKit
import OrchModel
import OrchStore

/// The tasks behind the queue's entries: done once their work is in main. A completion that
/// cannot be written is said (the step's `problems`, printed by `queue run` and relayed by the
/// supervisor as a warning), never dropped: `settleMergedWork` tries it again at the next step.
extension MergeQueue {
    /// Completes `entry`'s task, its work now in main. Returns whether the task is done.
    @discardableResult
    func completeTask(of entry: QueueEntry, step: inout QueueStep) -> Bool {
        guard let task = entry.task else { return true }
        do {
            try tasks.apply(.complete(task))
            return true
        } catch {
            // On a team the local graph may lag the remote's: a task someone else finished is fine.
            // (A graph that cannot be read here either leaves the problem below said.)
            if (try? tasks.snapshot().graph[task]?.status) == .done { return true }
            step.problems.append("could not complete task \(task.hex.prefix(8)) of merged entry #\(entry.id): \(error.description); "
                + "the next queue step tries again")
            return false
        }
    }

    /// Completes the tasks whose entry merged earlier but which are not done (`MergedWorkPolicy`):
    /// a runner killed between moving main and completing them (on a team, another machine's),
    /// or a completion that failed. Only entries whose tip is in `head` count; an entry merged
    /// into a main that was since reset is left alone.
    func settleMergedWork(head: OID, entries: [QueueEntry], step: inout QueueStep) throws(MergeQueueError) {
        guard entries.contains(where: { $0.state == .merged && $0.task != nil }), let graph = try taskGraph() else { return }
        for entry in MergedWorkPolicy.unsettled(entries: entries, graph: graph) {
            if let tip = OID(hex: entry.tip), repository.contains(tip),
               try !gitCall({ () throws(GitError) in try repository.isAncestor(tip, of: head) }) { continue }
            if completeTask(of: entry, step: &step) { step.settled.append(entry) }
        }
    }

    /// The task graph, or nil in a repository without one (the queue works without tasks).
    func taskGraph() throws(MergeQueueError) -> TaskGraph? {
        do {
            return try tasks.snapshot().graph
        } catch .notInitialized {
            return nil
        } catch {
            throw .store(error)
        }
    }
}
