import OrchModel
import Testing

/// Builds tasks with readable ids: `t(0x1)` is id 0000000000000001.
func id(_ value: UInt64) -> TaskID { TaskID(value: value) }

func task(_ value: UInt64, _ title: String = "task", deps: [UInt64] = [], priority: Int = 0, role: String? = nil, at micros: Int64 = 0) -> Task {
    Task(id: id(value), title: title, role: role, priority: priority, deps: deps.map(id), created: Timestamp(microseconds: micros))
}

let now = Timestamp(microseconds: 1_700_000_000_000_000)

@Suite struct TaskGraphTests {
    @Test func readySetFollowsDependenciesAndRoles() throws {
        var graph = TaskGraph(tasks: [
            task(1, "schema", role: "database-dev"),
            task(2, "api", deps: [1]),
            task(3, "docs", role: "docs-writer"),
        ])
        #expect(graph.readyTasks().map(\.id) == [id(1), id(3)])
        #expect(graph.readyTasks(for: "docs-writer").map(\.id) == [id(3)])
        try graph.apply(.claim(id(1), worker: "indigo", role: nil), at: now)
        #expect(graph.readyTasks().map(\.id) == [id(3)])
        try graph.apply(.complete(id(1)), at: now)
        #expect(graph.readyTasks().map(\.id) == [id(2), id(3)])
    }

    @Test func claimTakesHighestPriorityThenOldest() throws {
        var graph = TaskGraph(tasks: [
            task(1, "old low", priority: 0, at: 1),
            task(2, "new high", priority: 5, at: 3),
            task(3, "old high", priority: 5, at: 2),
        ])
        let first = try graph.apply(.claim(nil, worker: "a", role: nil), at: now)
        let second = try graph.apply(.claim(nil, worker: "b", role: nil), at: now)
        let third = try graph.apply(.claim(nil, worker: "c", role: nil), at: now)
        #expect([first, second, third].map { $0.changed[0].id } == [id(3), id(2), id(1)])
        #expect(graph[id(3)]?.assignee == "a")
        #expect(graph[id(3)]?.attempts == 1)
        #expect(throws: GraphError.nothingClaimable(role: nil)) { try graph.apply(.claim(nil, worker: "d", role: nil), at: now) }
    }

    @Test func claimingAClaimedOrBlockedTaskIsRefused() throws {
        var graph = TaskGraph(tasks: [task(1, "a"), task(2, "b", deps: [1])])
        try graph.apply(.claim(id(1), worker: "indigo", role: nil), at: now)
        #expect(throws: GraphError.alreadyClaimed(id: "0000000000000001 \"a\"", by: "indigo")) {
            try graph.apply(.claim(id(1), worker: "rose", role: nil), at: now)
        }
        #expect(throws: GraphError.blocked(id: "0000000000000002 \"b\"", by: ["0000000000000001 \"a\""])) {
            try graph.apply(.claim(id(2), worker: "rose", role: nil), at: now)
        }
        #expect(graph[id(1)]?.assignee == "indigo")
    }

    @Test func cycleIsRefusedWithTheCycleNamedAndGraphUnchanged() throws {
        var graph = TaskGraph(tasks: [task(0xa0, "a"), task(0xb0, "b", deps: [0xa0]), task(0xc0, "c", deps: [0xb0])])
        let before = graph.tasks
        do {
            try graph.apply(.addDependency(id(0xa0), on: id(0xc0)), at: now)
            Issue.record("cycle accepted")
        } catch {
            guard case .cycle(let path) = error else { Issue.record("wrong error \(error)"); return }
            #expect(path.map { $0.split(separator: " ")[1] } == ["\"a\"", "\"c\"", "\"b\"", "\"a\""])
            #expect(error.description.contains("->"))
        }
        #expect(graph.tasks == before)
        #expect(throws: GraphError.dependencyOnItself("00000000000000a \"a\"")) { try graph.apply(.addDependency(id(0xa0), on: id(0xa0)), at: now) }
    }

    @Test func addingTasksThatFormACycleAmongThemselvesIsRefused() {
        var graph = TaskGraph()
        let a = Task(id: id(1), title: "a", deps: [id(2)], created: now)
        let b = Task(id: id(2), title: "b", deps: [id(1)], created: now)
        #expect(throws: GraphError.self) { try graph.apply(.add([a, b]), at: now) }
        #expect(graph.count == 0)
        let c = Task(id: id(3), title: "c", deps: [id(9)], created: now)
        #expect(throws: GraphError.unknownTask(id(9).hex)) { try graph.apply(.add([c]), at: now) }
    }

    @Test func transitions() throws {
        var graph = TaskGraph(tasks: [task(1, "a"), task(2, "b")])
        #expect(throws: GraphError.self) { try graph.apply(.release(id(1)), at: now) }
        try graph.apply(.claim(id(1), worker: "w", role: nil), at: now)
        try graph.apply(.release(id(1)), at: now)
        #expect(graph[id(1)]?.status == .open)
        #expect(graph[id(1)]?.assignee == nil)
        #expect(graph[id(1)]?.attempts == 1)
        try graph.apply(.fail(id(2), reason: "tests red"), at: now)
        #expect(graph[id(2)]?.failureReason == "tests red")
        #expect(throws: GraphError.self) { try graph.apply(.complete(id(2)), at: now) }
        try graph.apply(.release(id(2)), at: now)
        try graph.apply(.complete(id(2)), at: now)
        #expect(throws: GraphError.self) { try graph.apply(.fail(id(2), reason: "late"), at: now) }
        #expect(throws: GraphError.self) { try graph.apply(.fail(id(1), reason: " "), at: now) }
    }

    @Test func topologicalOrderPutsDependenciesFirst() {
        let graph = TaskGraph(tasks: [
            task(1, "c", deps: [2, 3]), task(2, "b", deps: [3]), task(3, "a", priority: -1), task(4, "d", priority: 9),
        ])
        let order = graph.topologicalOrder().map(\.id.value)
        #expect(order == [4, 3, 2, 1])
    }

    @Test func prefixesResolveLikeGitAbbreviations() throws {
        let graph = TaskGraph(tasks: [
            Task(id: TaskID("3f2a910000000000")!, title: "x", created: now),
            Task(id: TaskID("3f2a920000000000")!, title: "y", created: now),
            Task(id: TaskID("a000000000000001")!, title: "z", created: now),
        ])
        #expect(try graph.resolve("a") == TaskID("a000000000000001"))
        #expect(try graph.resolve("3F2A91") == TaskID("3f2a910000000000"))
        #expect(throws: GraphError.self) { try graph.resolve("3f2a") }
        #expect(throws: GraphError.unknownTask("b")) { try graph.resolve("b") }
        #expect(throws: GraphError.invalidID("xyz")) { try graph.resolve("xyz") }
        #expect(graph.abbreviation(of: TaskID("3f2a910000000000")!) == "3f2a91")
        #expect(graph.abbreviation(of: TaskID("a000000000000001")!) == "a00000")
        let crowded = TaskGraph(tasks: [
            Task(id: TaskID("1234567800000000")!, title: "x", created: now),
            Task(id: TaskID("1234567900000000")!, title: "y", created: now),
        ])
        #expect(crowded.abbreviation(of: TaskID("1234567800000000")!) == "12345678")
    }
}
