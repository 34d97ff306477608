import OrchModel
import Testing

@Suite struct GraphMergeTests {
    private func merged(_ base: [Task], _ ours: [Task], _ theirs: [Task]) -> (TaskGraph, [GraphMerge.Note]) {
        let ourGraph = TaskGraph(tasks: ours)
        let result = GraphMerge.merge(base: TaskGraph(tasks: base), ours: ourGraph, theirs: TaskGraph(tasks: theirs))
        var graph = ourGraph
        graph.upsert(result.changed)
        return (graph, result.notes)
    }

    /// Every rule is symmetric: merging (ours, theirs) and (theirs, ours) gives the same graph.
    private func expectSymmetric(_ base: [Task], _ a: [Task], _ b: [Task], sourceLocation: SourceLocation = #_sourceLocation) -> TaskGraph {
        let (one, _) = merged(base, a, b)
        let (two, _) = merged(base, b, a)
        #expect(one.tasks == two.tasks, sourceLocation: sourceLocation)
        return one
    }

    @Test func disjointEditsAreAllKept() throws {
        let base = TaskGraph(tasks: [task(1, "a"), task(2, "b")])
        var ours = base, theirs = base
        try ours.apply(.claim(id(1), worker: "indigo", role: nil), at: now)
        try theirs.apply(.fail(id(2), reason: "red"), at: now)
        theirs.upsert([task(3, "new on their side")])
        let graph = expectSymmetric(Array(base.tasks.values), Array(ours.tasks.values), Array(theirs.tasks.values))
        #expect(graph[id(1)]?.assignee == "indigo")
        #expect(graph[id(2)]?.status == .failed)
        #expect(graph[id(3)] != nil)
    }

    @Test func twoClaimsResolveToTheSameWinnerEverywhere() throws {
        let base = TaskGraph(tasks: [task(1, "a")])
        var ours = base, theirs = base
        try ours.apply(.claim(id(1), worker: "rose", role: nil), at: now)
        try theirs.apply(.claim(id(1), worker: "emerald", role: nil), at: now)
        let graph = expectSymmetric(Array(base.tasks.values), Array(ours.tasks.values), Array(theirs.tasks.values))
        #expect(graph[id(1)]?.assignee == "emerald")
        let (_, notes) = merged(Array(base.tasks.values), Array(ours.tasks.values), Array(theirs.tasks.values))
        #expect(notes.map(\.message) == ["claimed by both rose and emerald; emerald keeps it, rose loses it"])
    }

    @Test func statusOnlyMovesForwardUnlessReleased() throws {
        let base = TaskGraph(tasks: [task(1, "a")])
        var ours = base, theirs = base
        try ours.apply(.claim(id(1), worker: "rose", role: nil), at: now)
        try ours.apply(.complete(id(1)), at: now)
        try theirs.apply(.claim(id(1), worker: "rose", role: nil), at: now)
        #expect(expectSymmetric(Array(base.tasks.values), Array(ours.tasks.values), Array(theirs.tasks.values))[id(1)]?.status == .done)
        // A release is an explicit step back: it outranks the claim or failure it released...
        var released = theirs
        try released.apply(.release(id(1)), at: now)
        var failed = theirs
        try failed.apply(.fail(id(1), reason: "red"), at: now)
        #expect(expectSymmetric(Array(theirs.tasks.values), Array(released.tasks.values), Array(failed.tasks.values))[id(1)]?.status == .open)
        // ...but finished work stands: a release on one side never undoes a done on the other.
        var otherDone = base
        try otherDone.apply(.claim(id(1), worker: "amber", role: nil), at: now)
        try otherDone.apply(.complete(id(1)), at: now)
        let graph = expectSymmetric(Array(base.tasks.values), Array(released.tasks.values), Array(otherDone.tasks.values))
        #expect(graph[id(1)]?.status == .done)
        #expect(graph[id(1)]?.assignee == "amber")
    }

    @Test func theSameStatusReachedByTwoWorkersIsDecidedTheSameWayEverywhere() throws {
        let base = TaskGraph(tasks: [task(1, "a")])
        var ours = base, theirs = base
        try ours.apply(.claim(id(1), worker: "zed", role: nil), at: now)
        try ours.apply(.complete(id(1)), at: now)
        try theirs.apply(.claim(id(1), worker: "amy", role: nil), at: now)
        try theirs.apply(.complete(id(1)), at: now)
        #expect(expectSymmetric(Array(base.tasks.values), Array(ours.tasks.values), Array(theirs.tasks.values))[id(1)]?.assignee == "amy")
        let (_, notes) = merged(Array(base.tasks.values), Array(ours.tasks.values), Array(theirs.tasks.values))
        #expect(notes.map(\.message) == ["done by both zed and amy; amy keeps it, zed loses it"])
    }

    @Test func fieldsAndSetsMergeByTheirRules() throws {
        var original = task(1, "title", deps: [])
        original.labels = ["x", "y"]
        var ours = original, theirs = original
        ours.title = "our title"; ours.clock = 3; ours.labels = ["x", "y", "ours"]
        theirs.title = "their title"; theirs.clock = 2; theirs.labels = ["y", "theirs"]; theirs.priority = 7
        let graph = expectSymmetric([original], [ours], [theirs])
        let result = try #require(graph[id(1)])
        #expect(result.title == "our title")  // higher clock
        #expect(result.priority == 7)  // changed on one side only
        #expect(result.labels == ["ours", "theirs", "y"])  // x removed by theirs
        #expect(result.clock == 3)
    }

    @Test func aCycleMadeByTheUnionOfDependenciesIsBroken() {
        let base = [task(1, "a"), task(2, "b")]
        let ours = [task(1, "a", deps: [2]), task(2, "b")]
        let theirs = [task(1, "a"), task(2, "b", deps: [1])]
        let graph = expectSymmetric(base, ours, theirs)
        #expect(graph.storedCycle() == nil)
        #expect(graph[id(1)]?.deps == [id(2)])  // the edge with the larger ids (2 -> 1) was dropped
        let (_, notes) = merged(base, ours, theirs)
        #expect(notes.first?.message.hasPrefix("dropped dependency on 000000") == true)
    }
}
