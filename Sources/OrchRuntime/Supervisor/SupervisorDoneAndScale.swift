import Foundation
import OrchModel
import OrchStore

/// When the team is finished (`start --until-done`) and how many workers it needs (autoscale:
/// one more while ready tasks wait, an idle one stopped), both decided by `SupervisorPolicy`.
extension Supervisor {
    /// Called each tick with `--until-done`, autoscale or an idle stop configured.
    func checkDoneAndScale(now: Timestamp) {
        let graph: TaskGraph
        do { graph = try taskStore.snapshot().graph } catch {
            warnOnce("cannot read the task graph: \(error.description)")
            return
        }
        if options.untilDone { checkDone(graph, now: now) }
        autoscale(graph, now: now)
    }

    /// Finished when no task is claimed and every worker has been idle (or paused, or offline)
    /// for a moment: then nothing more will happen without a person.
    private func checkDone(_ graph: TaskGraph, now: Timestamp) {
        // Work waiting in a halted queue (main is red) will not move without a person.
        var stuck: Set<TaskID> = []
        if queueHalted != nil {
            do { stuck = Set(try MergeQueue(repository: repository).entries().filter { $0.state.isActive }.compactMap(\.task)) } catch {
                // Unknown: not settled yet (the next tick looks again).
                warnOnce("cannot read the merge queue: \(error.description)")
                return
            }
        }
        let claimed = graph.tasks.values.contains { $0.status == .claimed && !stuck.contains($0.id) }
        let quiet = handles.allSatisfy { [.idle, .paused, .offline, .stopped].contains($0.state) && $0.restartAt == nil }
        let ready = graph.readyTasks()
        let moment = SupervisorPolicy.TeamMoment(workClaimed: claimed, queueRunning: queueRunner != nil, workersQuiet: quiet, readyTasks: ready.count)
        if case .notYet(let since) = policy.settled(moment, quietSince: quietSince, now: now) {
            quietSince = since
            return
        }
        let done = graph.tasks.values.filter { $0.status == .done }.count
        let failed = graph.tasks.values.filter { $0.status == .failed }.count
        let left = graph.count - done - failed
        var summary = "all work settled: \(done) done, \(failed) failed, \(left) not done"
        if !ready.isEmpty { summary += " (\(ready.count) ready but no worker can take them: budget, roles or offline workers)" }
        if let queueHalted { summary += "; merge queue halted: \(queueHalted)" }
        options.print(summary)
        // The team is done for good: the queue's warm test worktrees go too (as git orch queue gc).
        do { _ = try MergeQueue(repository: repository).removeTestLanes() } catch {
            options.print("could not remove the queue's test worktrees: \(error.description) (git orch queue gc)")
        }
        beginShutdown(status: done == graph.count ? 0 : 1)
    }

    private func autoscale(_ graph: TaskGraph, now: Timestamp) {
        let live = handles.filter { $0.isLive && !$0.stopping }
        let workers = live.map {
            SupervisorPolicy.LiveWorker(name: $0.record.name, starting: $0.state == .starting, idleSince: $0.state == .idle ? $0.idleSince ?? now : nil)
        }
        switch policy.scale(live: workers, readyTasks: graph.readyTasks().count, lastChange: lastScale, now: now) {
        case .keep:
            return
        case .grow:
            lastScale = now
            do { _ = try scale(to: live.count + 1) } catch {
                emit(RuntimeEvent(.warning, message: "autoscale: could not add a worker: \(error.description)"))
            }
        case .stop(let name, let seconds):
            guard let sleeper = live.first(where: { $0.record.name == name }) else { return }
            lastScale = now
            emit(RuntimeEvent(.workerScaled, worker: name, message: "idle for \(Int(seconds)) s; stopping"))
            sleeper.stopping = true
            sleeper.send(WorkerCommand(.stop))
        }
    }
}
