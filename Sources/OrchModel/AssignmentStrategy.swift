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

    /// The task `worker` should claim next, or nil. A task naming files (`--file`) that another
    /// worker's claimed task also names waits until that one is finished: two workers editing the
    /// same files would only produce a merge conflict.
    public func pick(for worker: WorkerRecord, in graph: TaskGraph) -> Task? {
        let busyFiles = Set(graph.tasks.values.filter { $0.status == .claimed && $0.assignee != worker.name }.flatMap(\.files))
        let ready = graph.readyTasks().filter { !$0.files.contains(where: busyFiles.contains) }
        guard !ready.isEmpty else { return nil }
        let fitting: [Task]
        switch self {
        case .capability: fitting = ready.filter { worker.fits($0) }
        case .roundRobin: fitting = ready
        case .workStealing:
            let own = ready.filter { worker.fits($0) }
            fitting = own.isEmpty ? ready : own
        }
        // Exact role matches before role-less tasks, keeping claim order within each group.
        guard self != .roundRobin, !worker.roles.isEmpty else { return fitting.first }
        return fitting.first { $0.role != nil } ?? fitting.first
    }
}
