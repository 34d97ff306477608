/// The task graph: tasks and their dependencies, with the queries a scheduler needs.
/// A value type with no I/O; the store maps it onto git.
public struct TaskGraph: Sendable {
    public private(set) var tasks: [TaskID: Task]
    /// All ids in ascending order, for prefix lookups and abbreviations.
    public private(set) var sortedIDs: [TaskID]

    public init(tasks: some Sequence<Task> = []) {
        var byID: [TaskID: Task] = [:]
        byID.reserveCapacity(tasks.underestimatedCount)
        var ids: [TaskID] = []
        ids.reserveCapacity(tasks.underestimatedCount)
        var ascending = true
        for task in tasks where byID.updateValue(task, forKey: task.id) == nil {
            if let last = ids.last, last > task.id { ascending = false }
            ids.append(task.id)
        }
        self.tasks = byID
        // Stored graphs (the cache) come in id order already; sort only when they do not.
        sortedIDs = ascending ? ids : ids.sorted()
    }

    /// A graph from tasks already keyed by id (a cache's), without copying them again; `ids` in
    /// any order (sorted here when they are not ascending).
    public init(byID: [TaskID: Task], ids: [TaskID]) {
        precondition(byID.count == ids.count, "one id per task")
        tasks = byID
        sortedIDs = zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 } ? ids : ids.sorted()
    }

    public var count: Int { tasks.count }

    public subscript(id: TaskID) -> Task? { tasks[id] }

    /// Adds or replaces tasks.
    public mutating func upsert(_ changed: some Sequence<Task>) {
        var added: [TaskID] = []
        for task in changed where tasks.updateValue(task, forKey: task.id) == nil {
            added.append(task.id)
        }
        if added.count > 64 {
            sortedIDs = tasks.keys.sorted()
        } else {
            for id in added { sortedIDs.insert(id, at: lowerBound(id.value)) }
        }
    }

    public mutating func remove(_ ids: some Sequence<TaskID>) {
        for id in ids { tasks[id] = nil }
        sortedIDs = tasks.keys.sorted()
    }

    // MARK: Ids

    /// Resolves a full id or a unique prefix of one, as git does for commits.
    public func resolve(_ text: String) throws(GraphError) -> TaskID {
        guard let prefix = TaskIDPrefix(text) else { throw .invalidID(text) }
        let start = lowerBound(prefix.lower)
        var matches: [TaskID] = []
        var index = start
        while index < sortedIDs.count && sortedIDs[index].value <= prefix.upper && matches.count < 6 {
            matches.append(sortedIDs[index])
            index += 1
        }
        switch matches.count {
        case 0: throw .unknownTask(text)
        case 1: return matches[0]
        default: throw .ambiguousID(text, candidates: matches.prefix(5).map { describe($0) })
        }
    }

    /// The shortest unique prefix of `id`, at least `TaskID.minimumAbbreviation` digits.
    public func abbreviation(of id: TaskID) -> String {
        let index = lowerBound(id.value)
        var shared = 0
        if index > 0 { shared = max(shared, TaskID.sharedDigits(id, sortedIDs[index - 1])) }
        let next = index < sortedIDs.count && sortedIDs[index] == id ? index + 1 : index
        if next < sortedIDs.count { shared = max(shared, TaskID.sharedDigits(id, sortedIDs[next])) }
        return String(id.hex.prefix(min(TaskID.hexLength, max(TaskID.minimumAbbreviation, shared + 1))))
    }

    /// `3f2a91 "title"`, for messages.
    public func describe(_ id: TaskID) -> String {
        guard let task = tasks[id] else { return abbreviation(of: id) }
        return "\(abbreviation(of: id)) \"\(FieldRules.printable(task.title))\""
    }

    private func lowerBound(_ value: UInt64) -> Int {
        var low = 0, high = sortedIDs.count
        while low < high {
            let mid = (low + high) / 2
            if sortedIDs[mid].value < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    // MARK: Scheduling queries

    /// Dependencies of `task` that are not done (missing ones count as not done).
    public func unfinishedDependencies(of task: Task) -> [TaskID] {
        task.deps.filter { tasks[$0]?.status != .done }
    }

    /// An open task whose dependencies are all done.
    public func isReady(_ task: Task) -> Bool {
        task.status == .open && task.deps.allSatisfy { tasks[$0]?.status == .done }
    }

    /// Whether a worker with `role` may take `task` (nil role on either side matches anything).
    public static func role(_ role: String?, fits task: Task) -> Bool {
        guard let role, let wanted = task.role else { return true }
        return role == wanted
    }

    /// Ready tasks in claim order: highest priority first, then oldest, then by id.
    public func readyTasks(for role: String? = nil) -> [Task] {
        let ready = tasks.values.filter { isReady($0) && TaskGraph.role(role, fits: $0) }
        // Sort positions, then gather: a sort that moves whole tasks (strings, arrays) costs more
        // than its comparisons (a fifth of `ready --json` at 100k tasks).
        return ready.indices.sorted { TaskGraph.claimOrder(ready[$0], ready[$1]) }.map { ready[$0] }
    }

    public static func claimOrder(_ lhs: Task, _ rhs: Task) -> Bool {
        if lhs.priority != rhs.priority { return lhs.priority > rhs.priority }
        if lhs.created != rhs.created { return lhs.created < rhs.created }
        return lhs.id < rhs.id
    }

    /// Every task, dependencies before dependants; among tasks free to go next, claim order.
    /// Dependencies on missing tasks are ignored here.
    public func topologicalOrder() -> [Task] {
        var remaining: [TaskID: Int] = [:]
        var dependants: [TaskID: [TaskID]] = [:]
        for task in tasks.values {
            let known = task.deps.filter { tasks[$0] != nil }
            remaining[task.id] = known.count
            for dep in known { dependants[dep, default: []].append(task.id) }
        }
        var frontier = Heap(tasks.values.filter { remaining[$0.id] == 0 }, by: TaskGraph.claimOrder)
        var order: [Task] = []
        order.reserveCapacity(tasks.count)
        var placed: Set<TaskID> = []
        while let task = frontier.popFirst() {
            order.append(task)
            placed.insert(task.id)
            for next in dependants[task.id] ?? [] {
                remaining[next]! -= 1
                if remaining[next] == 0 { frontier.insert(tasks[next]!) }
            }
        }
        // Tasks on a cycle (only a hand edit or a bad merge can store one) come last, never dropped.
        if order.count < tasks.count {
            order += tasks.values.filter { !placed.contains($0.id) }.sorted(by: TaskGraph.claimOrder)
        }
        return order
    }

    /// A dependency cycle stored in the graph, if any (operations refuse to make one).
    public func storedCycle() -> [TaskID]? { TaskGraph.cycle(among: Array(tasks.values)) }

    /// A cycle among `tasks` (dependencies outside them cannot close one), found by peeling off
    /// tasks with no pending dependency and walking what is left.
    static func cycle(among tasks: [Task]) -> [TaskID]? {
        var byID: [TaskID: Task] = [:]
        for task in tasks { byID[task.id] = task }
        var pending: [TaskID: Int] = [:]
        var dependants: [TaskID: [TaskID]] = [:]
        for task in tasks {
            let inside = task.deps.filter { byID[$0] != nil }
            pending[task.id] = inside.count
            for dep in inside { dependants[dep, default: []].append(task.id) }
        }
        var free = tasks.map(\.id).filter { pending[$0] == 0 }
        while let id = free.popLast() {
            pending[id] = nil
            for next in dependants[id] ?? [] {
                pending[next]! -= 1
                if pending[next] == 0 { free.append(next) }
            }
        }
        guard let start = pending.keys.min() else { return nil }
        // Every task left has a dependency left: follow them until one repeats.
        var path: [TaskID] = []
        var position: [TaskID: Int] = [:]
        var current = start
        while position[current] == nil {
            position[current] = path.count
            path.append(current)
            current = byID[current]!.deps.first { pending[$0] != nil }!
        }
        return Array(path[position[current]!...]) + [current]
    }

    /// The path `to -> ... -> from` if making `from` depend on `to` would close a cycle.
    public func cycle(adding from: TaskID, dependsOn to: TaskID) -> [TaskID]? {
        if from == to { return [from, from] }
        // Depth-first search from `to` along dependencies looking for `from`.
        var parent: [TaskID: TaskID] = [:]
        var stack = [to]
        var seen: Set<TaskID> = [to]
        while let current = stack.popLast() {
            for dep in tasks[current]?.deps ?? [] where !seen.contains(dep) {
                seen.insert(dep)
                parent[dep] = current
                if dep == from {
                    var path = [from]
                    var step = from
                    while let previous = parent[step] {
                        path.append(previous)
                        step = previous
                    }
                    // path is from <- ... <- to; read as from -> to -> ... -> from
                    let forward: [TaskID] = path.reversed()
                    return [from] + Array(forward.dropLast()) + [from]
                }
                stack.append(dep)
            }
        }
        return nil
    }
}

/// A small binary heap; the graph orders ready tasks without sorting the whole frontier each step.
struct Heap<Element> {
    private var items: [Element]
    private let precedes: (Element, Element) -> Bool

    init(_ items: [Element], by precedes: @escaping (Element, Element) -> Bool) {
        self.items = []
        self.precedes = precedes
        for item in items { insert(item) }
    }

    mutating func insert(_ item: Element) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(items[child], items[parent]) else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popFirst() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let first = items.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var best = parent
            if left < items.count && precedes(items[left], items[best]) { best = left }
            if right < items.count && precedes(items[right], items[best]) { best = right }
            if best == parent { break }
            items.swapAt(parent, best)
            parent = best
        }
        return first
    }
}
