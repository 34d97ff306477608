/// A change to the task graph, as a value: validated and applied to a graph snapshot with the time
/// supplied by the caller. The store re-applies the same operation when it loses a write race.
public enum GraphOperation: Sendable, Equatable {
    /// Adds tasks whose ids, times and dependencies the caller has already resolved.
    case add([Task])
    case addDependency(TaskID, on: TaskID)
    case removeDependency(TaskID, on: TaskID)
    /// Claims a task for `worker`: the given one, or the best ready task fitting `role`.
    case claim(TaskID?, worker: String, role: String?)
    case complete(TaskID)
    case fail(TaskID, reason: String)
    /// Puts a claimed (or failed) task back to open. Releasing a failed task starts it over: its
    /// attempts go back to 0 (the user decided it is worth trying again).
    case release(TaskID)
    /// Puts a claimed task back to open without counting the claim as an attempt: the agent's
    /// environment failed (not installed, refused to start), not the task.
    case giveBack(TaskID)
}

/// What an applied operation changed.
public struct OperationOutcome: Sendable, Equatable {
    /// Tasks to write, after the change; empty when the operation found nothing to do.
    public var changed: [Task]
    /// One line for the commit (and `git orch log`), e.g. `claim 3f2a91 by emerald`.
    public var summary: String
    /// The operation's kind and the full ids it touched, recorded as commit trailers.
    public var kind: String
    public var taskIDs: [TaskID]

    public var commitMessage: String {
        var message = summary + "\n\nOrch-Operation: \(kind)\n"
        for id in taskIDs.prefix(50) { message += "Orch-Task: \(id.hex)\n" }
        if taskIDs.count > 50 { message += "Orch-Tasks-Omitted: \(taskIDs.count - 50)\n" }
        return message
    }
}

extension TaskGraph {
    /// Applies `operation` in place; throws, changing nothing, when it is refused.
    @discardableResult
    public mutating func apply(_ operation: GraphOperation, at now: Timestamp) throws(GraphError) -> OperationOutcome {
        let outcome = try operation.outcome(on: self, at: now)
        upsert(outcome.changed)
        return outcome
    }
}

extension GraphOperation {
    /// Validates the operation against `graph` and says what it changes, without changing `graph`
    /// (so a store can apply it to a shared snapshot only once the write is published).
    /// Throws when refused.
    public func outcome(on graph: TaskGraph, at now: Timestamp) throws(GraphError) -> OperationOutcome {
        switch self {
        case .add(let newTasks): return try addOutcome(newTasks, on: graph)
        case .addDependency(let id, let dep):
            var task = try existing(id, in: graph)
            guard graph[dep] != nil else { throw .unknownTask(dep.hex) }
            if task.deps.contains(dep) {
                return unchanged("\(graph.abbreviation(of: id)) already waits for \(graph.abbreviation(of: dep))", "dep", [id, dep])
            }
            if let cycle = graph.cycle(adding: id, dependsOn: dep) {
                if cycle.count == 2 { throw .dependencyOnItself(graph.describe(id)) }
                throw .cycle(cycle.map { graph.describe($0) })
            }
            task.deps = Array(Set(task.deps + [dep])).sorted()
            task.updated = now
            return outcome(task, "dep \(graph.abbreviation(of: id)) on \(graph.abbreviation(of: dep))", "dep", [id, dep])
        case .removeDependency(let id, let dep):
            var task = try existing(id, in: graph)
            guard task.deps.contains(dep) else {
                return unchanged("\(graph.abbreviation(of: id)) does not wait for \(graph.abbreviation(of: dep))", "undep", [id, dep])
            }
            task.deps.removeAll { $0 == dep }
            task.updated = now
            return outcome(task, "undep \(graph.abbreviation(of: id)) from \(graph.abbreviation(of: dep))", "undep", [id, dep])
        case .claim(let wanted, let worker, let role):
            try FieldRules.validateWorkerName(worker)
            var task: Task
            if let wanted {
                task = try existing(wanted, in: graph)
                if task.status == .claimed { throw .alreadyClaimed(id: graph.describe(task.id), by: task.assignee ?? "?") }
                guard task.status == .open else { throw .invalidTransition(id: graph.describe(task.id), from: task.status, operation: "claim") }
                let unfinished = graph.unfinishedDependencies(of: task)
                guard unfinished.isEmpty else { throw .blocked(id: graph.describe(task.id), by: unfinished.map { graph.describe($0) }) }
                guard TaskGraph.role(role, fits: task) else {
                    throw .invalidField("role", "'\(role ?? "")' does not fit \(graph.describe(task.id)), which needs '\(task.role ?? "")'")
                }
            } else {
                guard let best = bestReady(in: graph, role: role) else { throw .nothingClaimable(role: role) }
                task = best
            }
            task.status = .claimed
            task.assignee = worker
            task.attempts += 1
            task.updated = now
            return outcome(task, "claim \(graph.abbreviation(of: task.id)) by \(worker)", "claim", [task.id])
        case .complete(let id):
            var task = try existing(id, in: graph)
            guard task.status == .open || task.status == .claimed else {
                throw .invalidTransition(id: graph.describe(id), from: task.status, operation: "complete")
            }
            let unfinished = graph.unfinishedDependencies(of: task)
            guard unfinished.isEmpty else { throw .blocked(id: graph.describe(id), by: unfinished.map { graph.describe($0) }) }
            task.status = .done
            task.updated = now
            return outcome(task, "done \(graph.abbreviation(of: id))", "done", [id])
        case .fail(let id, let reason):
            try FieldRules.validateReason(reason)
            var task = try existing(id, in: graph)
            guard task.status == .open || task.status == .claimed else {
                throw .invalidTransition(id: graph.describe(id), from: task.status, operation: "fail")
            }
            task.status = .failed
            task.failureReason = reason
            task.updated = now
            return outcome(task, "fail \(graph.abbreviation(of: id)): \(firstLine(reason))", "fail", [id])
        case .release(let id):
            var task = try existing(id, in: graph)
            guard task.status == .claimed || task.status == .failed else {
                throw .invalidTransition(id: graph.describe(id), from: task.status, operation: "release")
            }
            let previous = task.assignee
            if task.status == .failed { task.attempts = 0 }
            task.epoch += 1
            task.status = .open
            task.assignee = nil
            task.failureReason = nil
            task.updated = now
            let by = previous.map { " from \($0)" } ?? ""
            return outcome(task, "release \(graph.abbreviation(of: id))\(by)", "release", [id])
        case .giveBack(let id):
            var task = try existing(id, in: graph)
            guard task.status == .claimed else { throw .invalidTransition(id: graph.describe(id), from: task.status, operation: "give back") }
            let previous = task.assignee
            task.attempts = max(0, task.attempts - 1)
            task.epoch += 1
            task.status = .open
            task.assignee = nil
            task.updated = now
            let by = previous.map { " from \($0)" } ?? ""
            return outcome(task, "give back \(graph.abbreviation(of: id))\(by), attempt not counted", "give-back", [id])
        }
    }

    private func addOutcome(_ newTasks: [Task], on graph: TaskGraph) throws(GraphError) -> OperationOutcome {
        guard !newTasks.isEmpty else { throw .invalidField("tasks", "nothing to add") }
        var incoming: Set<TaskID> = []
        for task in newTasks {
            try validateNew(task)
            if graph[task.id] != nil || !incoming.insert(task.id).inserted { throw .duplicateID(task.id.hex) }
        }
        for task in newTasks {
            for dep in task.deps where graph[dep] == nil && !incoming.contains(dep) { throw .unknownTask(dep.hex) }
        }
        // Existing tasks never depend on new ids, so a cycle can only run through new tasks.
        if let cycle = TaskGraph.cycle(among: newTasks) {
            var named = graph
            named.upsert(newTasks)
            throw .cycle(cycle.map { named.describe($0) })
        }
        let ids = newTasks.map(\.id)
        let summary = newTasks.count == 1
            ? "add \(graph.abbreviation(of: ids[0])) \"\(firstLine(newTasks[0].title))\""
            : "import \(newTasks.count) tasks"
        return OperationOutcome(changed: newTasks, summary: summary, kind: newTasks.count == 1 ? "add" : "import", taskIDs: ids)
    }

    private func validateNew(_ task: Task) throws(GraphError) {
        try FieldRules.validateNewTask(
            title: task.title, body: task.body, priority: task.priority, role: task.role, labels: task.labels, files: task.files)
        if task.deps.contains(task.id) { throw .dependencyOnItself(task.id.hex) }
    }

    private func existing(_ id: TaskID, in graph: TaskGraph) throws(GraphError) -> Task {
        guard let task = graph[id] else { throw .unknownTask(id.hex) }
        return task
    }

    private func bestReady(in graph: TaskGraph, role: String?) -> Task? {
        var best: Task?
        for task in graph.tasks.values where graph.isReady(task) && TaskGraph.role(role, fits: task) {
            if best.map({ TaskGraph.claimOrder(task, $0) }) ?? true { best = task }
        }
        return best
    }

    /// An operation that finds its work already done: nothing is written.
    private func unchanged(_ summary: String, _ kind: String, _ ids: [TaskID]) -> OperationOutcome {
        OperationOutcome(changed: [], summary: summary + " (nothing changed)", kind: kind, taskIDs: ids)
    }

    private func outcome(_ task: Task, _ summary: String, _ kind: String, _ ids: [TaskID]) -> OperationOutcome {
        var task = task
        task.clock += 1
        return OperationOutcome(changed: [task], summary: summary, kind: kind, taskIDs: ids)
    }
}

private func firstLine(_ text: String) -> String {
    let line = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
    return line.count > 72 ? String(line.prefix(69)) + "..." : line
}
