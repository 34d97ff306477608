#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchModel
import OrchStore
import ProcessKit

/// The supervisor's merge queue: a `git orch queue run` child started when finished work waits
/// (or when merged work's tasks are not done: `MergedWorkPolicy`), its end reported, and the
/// state writes it could not make relayed as warnings.
extension Supervisor {
    /// Starts `git orch queue run` when finished work waits in the queue and no run is going on,
    /// or when work merged earlier left its task unfinished (a runner killed between moving main
    /// and completing the task; on a team, another machine's): the run completes those first.
    func runQueueIfNeeded() {
        guard queueRunner == nil, Date().timeIntervalSince(lastQueueCheck) > 0.5 else { return }
        lastQueueCheck = Date()
        let entries: [QueueEntry]
        do {
            entries = try MergeQueue(repository: repository).entries()
        } catch {
            warnOnce("cannot read the merge queue: \(error.description)")
            return
        }
        announceMerges(entries)
        var needed = queueHalted == nil && entries.contains { $0.state.isActive }
        if !needed {
            let graph: TaskGraph
            do {
                graph = try taskStore.snapshot().graph
            } catch {
                warnOnce("cannot read the task graph: \(error.description)")
                return
            }
            // The same tasks again only after a while: a completion the graph refuses is reported,
            // not retried in a loop; one that failed for a passing reason (the remote) is retried.
            let unsettled = Set(MergedWorkPolicy.unsettled(entries: entries, graph: graph).compactMap(\.task))
            needed = !unsettled.isEmpty && (unsettled != unsettledAtLastRun.tasks || Date().timeIntervalSince(unsettledAtLastRun.at) > 30)
            if needed { unsettledAtLastRun = (unsettled, Date()) }
        }
        guard needed else {
            lastStateWarning = nil
            return
        }
        let log = paths.logs + "/queue.log"
        var info = stat()
        queueLogStart = stat(log, &info) == 0 ? UInt64(info.st_size) : 0
        do {
            queueRunner = try spawnHelper(["queue", "run"], log: log)
            lastStateWarning = nil
        } catch {
            // Tried again next tick; said once while it keeps failing.
            warnOnce("cannot start the merge queue runner: \(error.description)")
        }
    }

    /// Starts `git-orch-run ARGUMENTS` in the team's process group, its output appended to `log`:
    /// the queue runner and automatic handoffs. Returns its pid.
    func spawnHelper(_ arguments: [String], log: String) throws(SpawnError) -> Int32 {
        var options = ProcessSpawner.Options()
        options.directory = repositoryRoot
        options.stdin = .null
        options.stdout = .path(log, flags: O_WRONLY | O_CREAT | O_APPEND)
        options.stderr = .path(log, flags: O_WRONLY | O_CREAT | O_APPEND)
        options.processGroup = teamGroup ?? 0
        let pid = try ProcessSpawner.spawn(self.options.executable, arguments, options)
        if teamGroup == nil { teamGroup = pid }
        return pid
    }

    func queueRunnerExited(status: Int32) {
        queueRunner = nil
        for problem in runnerWarnings() { emit(RuntimeEvent(.warning, message: "merge queue: " + problem)) }
        var queueStatus: QueueStatus?
        do {
            let queue = MergeQueue(repository: repository)
            announceMerges(try queue.entries())
            queueStatus = try queue.status()
        } catch {
            warnOnce("cannot read the merge queue: \(error.description)")
        }
        queueHalted = queueStatus?.halted
        var message = "merge queue run ended: \(queueStatus?.merged ?? 0) merged, \(queueStatus?.rejected ?? 0) rejected in all"
        if let halted = queueHalted { message += "; halted: \(halted)" }
        if let held = queueStatus?.held {
            // The user's checkout holds a green merge: look again in a few seconds, say so once.
            lastQueueCheck = Date().addingTimeInterval(2.5)
            defer { queueHeld = held }
            if held == queueHeld { return }
            message += "; held: \(held)"
        }
        queueHeld = queueStatus?.held
        emit(RuntimeEvent(.message, message: message))
    }

    /// The lines the runner that just ended wrote about state writes it could not make (a log
    /// that cannot be read is one such line itself).
    private func runnerWarnings() -> [String] {
        let path = paths.logs + "/queue.log"
        // No log: the runner never started writing, so it has nothing to relay.
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        // Closing a file only read from cannot lose anything.
        defer { try? handle.close() }
        let data: Data?
        do {
            try handle.seek(toOffset: queueLogStart)
            data = try handle.readToEnd()
        } catch {
            return ["cannot read its log \(path) for the problems it reported: \(error.localizedDescription)"]
        }
        guard let data else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix(QueueStep.problemLinePrefix) }
            .map { String($0.dropFirst(QueueStep.problemLinePrefix.count)) }
    }

    /// A task-done event for each entry merged since the last look, at the time it merged: the
    /// queue runner completes queued tasks, so the event stream has no other word of it.
    func announceMerges(_ entries: [QueueEntry]) {
        let merged = entries.filter { $0.state == .merged }
        guard let announced = announcedMerges else {
            announcedMerges = Set(merged.map(\.id))
            return
        }
        for entry in merged.sorted(by: { $0.id < $1.id }) where !announced.contains(entry.id) {
            announcedMerges?.insert(entry.id)
            guard let task = entry.task else { continue }
            emit(RuntimeEvent(.taskDone, worker: entry.worker, task: task, state: nil,
                              message: "merged into \(mainBranch) by the queue (entry #\(entry.id))", at: entry.updated))
        }
    }

    /// A warning about state that cannot be read, sent once while the same trouble lasts (the
    /// poll loop would repeat it every tick).
    func warnOnce(_ message: String) {
        guard message != lastStateWarning else { return }
        lastStateWarning = message
        emit(RuntimeEvent(.warning, message: message))
    }
}
