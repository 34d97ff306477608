/// Three-way merge of two versions of the task graph that grew apart from a common ancestor
/// (two clones working offline). Never a textual merge: every field has a rule, and every rule is
/// symmetric, so two machines merging the same pair in either order get the same graph.
///
/// - status, assignee, failure and epoch move together, and only forward: the higher
///   (epoch, rank) wins, where rank is open < claimed < failed < done and a release raises the
///   epoch. Two claims of the same task at the same epoch: the worker whose name sorts first wins,
///   and the merge reports the loser.
/// - deps, labels, files merge as sets: what either side added is kept, what either side removed
///   is removed. A dependency cycle the union would create is broken by dropping the newly added
///   edge with the largest ids, and reported.
/// - title, body, role, priority: a field changed on one side only takes that change; changed on
///   both sides to different values, the side with the higher Lamport clock wins, then the larger
///   value (a deterministic tie-break), and the merge reports it.
/// - attempts follow the epoch (a release that starts a failed task over, or a claim given back,
///   lowers them); at the same epoch the larger value. clock takes the larger value, created the
///   earlier, updated the later.
public enum GraphMerge {
    public struct Note: Sendable, Equatable, CustomStringConvertible {
        public var task: TaskID
        public var message: String
        public var description: String { "\(task.hex.prefix(TaskID.minimumAbbreviation)): \(message)" }
    }

    public struct Result: Sendable {
        /// Tasks whose merged version differs from `ours`: what to write on top of ours.
        public var changed: [Task]
        public var notes: [Note]
    }

    public static func merge(base: TaskGraph, ours: TaskGraph, theirs: TaskGraph) -> Result {
        var changed: [Task] = []
        var notes: [Note] = []
        for (id, their) in theirs.tasks {
            guard let our = ours[id] else {
                changed.append(their)
                continue
            }
            if our == their { continue }
            let merged = mergeTask(base: base[id], ours: our, theirs: their, notes: &notes)
            if merged != our { changed.append(merged) }
        }
        // Dependencies merged as sets can close a cycle neither side had: break it.
        var result = ours
        result.upsert(changed)
        while let cycle = result.storedCycle() {
            var edges: [(TaskID, TaskID)] = []
            for (from, to) in zip(cycle, cycle.dropFirst()) where !(base[from]?.deps.contains(to) ?? false) { edges.append((from, to)) }
            if edges.isEmpty { edges = Array(zip(cycle, cycle.dropFirst())) }
            let (from, to) = edges.max { ($0.0, $0.1) < ($1.0, $1.1) }!
            var task = result[from]!
            task.deps.removeAll { $0 == to }
            result.upsert([task])
            changed.removeAll { $0.id == from }
            if task != ours[from] { changed.append(task) }
            notes.append(Note(task: from, message: "dropped dependency on \(to.hex.prefix(TaskID.minimumAbbreviation)): the merged graph had a cycle \(cycle.map { String($0.hex.prefix(TaskID.minimumAbbreviation)) }.joined(separator: " -> "))"))
        }
        return Result(changed: changed.sorted { $0.id < $1.id }, notes: notes.sorted { ($0.task, $0.message) < ($1.task, $1.message) })
    }

    static func mergeTask(base: Task?, ours: Task, theirs: Task, notes: inout [Note]) -> Task {
        if let base {
            if base == ours { return theirs }
            if base == theirs { return ours }
        }
        var merged = ours
        // Status and the fields that belong to it.
        let statusSide = statusWinner(ours, theirs, notes: &notes)
        merged.status = statusSide.status
        merged.assignee = statusSide.assignee
        merged.failureReason = statusSide.failureReason
        merged.epoch = statusSide.epoch
        // Scalars.
        merged.title = scalar("title", base?.title, ours, theirs, \.title, notes: &notes)
        merged.body = scalar("body", base?.body, ours, theirs, \.body, notes: &notes)
        merged.role = optionalScalar("role", base, ours, theirs, \.role, notes: &notes)
        merged.priority = scalar("priority", base?.priority, ours, theirs, \.priority, notes: &notes)
        // Sets.
        merged.deps = mergeSet(base?.deps ?? [], ours.deps, theirs.deps)
        merged.labels = mergeSet(base?.labels ?? [], ours.labels, theirs.labels)
        merged.files = mergeSet(base?.files ?? [], ours.files, theirs.files)
        // Counters and times.
        merged.attempts = ours.epoch == theirs.epoch ? max(ours.attempts, theirs.attempts)
            : (ours.epoch > theirs.epoch ? ours.attempts : theirs.attempts)
        merged.clock = max(ours.clock, theirs.clock)
        merged.created = min(ours.created, theirs.created)
        merged.updated = max(ours.updated, theirs.updated)
        return merged
    }

    /// Which side's status stands. `done` is final: finished work is never undone by a merge.
    /// Otherwise the higher (epoch, rank) wins, so a release (which raises the epoch) cancels the
    /// claim or failure it released. Equal standing held by different workers goes to the worker
    /// whose name sorts first, and the merge says so.
    private static func statusWinner(_ ours: Task, _ theirs: Task, notes: inout [Note]) -> Task {
        if (ours.status == .done) != (theirs.status == .done) {
            let done = ours.status == .done ? ours : theirs, other = ours.status == .done ? theirs : ours
            if (other.epoch, rank(other.status)) > (done.epoch, rank(done.status)) {
                notes.append(Note(task: ours.id, message: "done by \(done.assignee ?? "someone") on one side, \(other.status.rawValue) on the other; done stands"))
            }
            return done
        }
        let ourRank = (ours.epoch, rank(ours.status)), theirRank = (theirs.epoch, rank(theirs.status))
        if ourRank != theirRank { return theirRank > ourRank ? theirs : ours }
        if ours.assignee != theirs.assignee {
            let winner = [ours, theirs].min { ($0.assignee ?? "") < ($1.assignee ?? "") }!
            let loser = winner.assignee == ours.assignee ? theirs : ours
            let verb = ours.status == .claimed ? "claimed" : ours.status.rawValue
            notes.append(Note(task: ours.id, message: "\(verb) by both \(ours.assignee ?? "?") and \(theirs.assignee ?? "?"); \(winner.assignee ?? "?") keeps it, \(loser.assignee ?? "?") loses it"))
            return winner
        }
        if ours.failureReason != theirs.failureReason {
            return (ours.failureReason ?? "") >= (theirs.failureReason ?? "") ? ours : theirs
        }
        return ours
    }

    private static func rank(_ status: TaskStatus) -> Int {
        switch status {
        case .open: 0
        case .claimed: 1
        case .failed: 2
        case .done: 3
        }
    }

    private static func scalar<Value: Equatable & Comparable>(
        _ field: String, _ base: Value?, _ ours: Task, _ theirs: Task, _ key: KeyPath<Task, Value>, notes: inout [Note]
    ) -> Value {
        let mine = ours[keyPath: key], other = theirs[keyPath: key]
        if mine == other { return mine }
        if let base, base == mine { return other }
        if let base, base == other { return mine }
        let winner = ours.clock != theirs.clock ? (ours.clock > theirs.clock ? mine : other) : max(mine, other)
        notes.append(Note(task: ours.id, message: "\(field) changed on both sides; kept the \(ours.clock != theirs.clock ? "later edit (Lamport clock)" : "larger value (equal clocks)")"))
        return winner
    }

    /// An optional text field, merged as text where absent is the empty string.
    private static func optionalScalar(
        _ field: String, _ base: Task?, _ ours: Task, _ theirs: Task, _ key: KeyPath<Task, String?>, notes: inout [Note]
    ) -> String? {
        let merged = scalar(field, base.map { $0[keyPath: key] ?? "" }, ours, theirs, key.appending(path: \.orEmpty), notes: &notes)
        return merged.isEmpty ? nil : merged
    }

    private static func mergeSet<Element: Hashable & Comparable>(_ base: [Element], _ ours: [Element], _ theirs: [Element]) -> [Element] {
        let base = Set(base), mine = Set(ours), other = Set(theirs)
        let removed = base.subtracting(mine).union(base.subtracting(other))
        return Array(mine.union(other).subtracting(removed)).sorted()
    }
}

extension Optional where Wrapped == String {
    fileprivate var orEmpty: String { self ?? "" }
}
