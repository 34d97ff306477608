/// How a worker picks its next task among the ready ones. Workers pull; the strategy decides what
/// each one pulls, so assignment needs no central dispatcher (and works across machines).
public enum AssignmentStrategy: String, Sendable, CaseIterable, Codable {
    /// Tasks whose role is one of the worker's (or that have no role), best first.
    case capability
    /// Any ready task in claim order, ignoring roles: workers take turns at the queue's head.
    case roundRobin = "round-robin"
    /// Capability first; a worker with nothing fitting takes (steals) a task of another role
    /// rather than sit idle.
    case workStealing = "work-stealing"

    /// The task `worker` should claim next, or nil. Among equally good tasks it prefers ones whose
    /// file globs do not overlap what other workers are working on, to avoid merge conflicts.
    public func pick(for worker: WorkerRecord, in graph: TaskGraph) -> Task? {
        let ready = graph.readyTasks()
        guard !ready.isEmpty else { return nil }
        let busyFiles = Set(graph.tasks.values.filter { $0.status == .claimed && $0.assignee != worker.name }.flatMap(\.files))
        let fitting: [Task]
        switch self {
        case .capability: fitting = ready.filter { worker.fits($0) }
        case .roundRobin: fitting = ready
        case .workStealing:
            let own = ready.filter { worker.fits($0) }
            fitting = own.isEmpty ? ready : own
        }
        // Exact role matches before role-less tasks, keeping claim order within each group.
        let ranked = fitting.enumerated().sorted { lhs, rhs in
            let left = rank(lhs.element, worker, busyFiles), right = rank(rhs.element, worker, busyFiles)
            return left != right ? left < right : lhs.offset < rhs.offset
        }
        return ranked.first?.element
    }

    private func rank(_ task: Task, _ worker: WorkerRecord, _ busyFiles: Set<String>) -> Int {
        var rank = 0
        if task.files.contains(where: busyFiles.contains) { rank += 2 }
        if self != .roundRobin, task.role == nil, !worker.roles.isEmpty { rank += 1 }
        return rank
    }
}
