import GitKit
import OrchModel
@testable import OrchStore
import OrchTestSupport
import Testing

/// The cache's ready list itself: `TaskStore.readyTasks` falls back to a full read whenever it is
/// missing, so only a direct read shows that `ready` really takes the short way.
@Suite struct GraphCacheTests {
    @Test func theReadyListIsReadWithoutTheRestOfTheGraph() throws {
        let repo = try TemporaryRepository()
        let store = try makeStore(repo, usesCache: false)
        try store.initialize()
        var ids: [TaskID] = []
        for index in 0..<12 {
            ids.append(try store.addTask(title: "task \(index)", priority: index % 4, deps: index % 2 == 1 ? [ids[index - 1]] : []).id)
        }
        let snapshot = try makeStore(repo).snapshot()  // writes the cache
        let cache = GraphCache(repository: try repo.open())
        let ready = try #require(cache.readReady(at: snapshot.commit), "the cache's ready list is readable")
        #expect(ready.tasks == snapshot.graph.readyTasks())
        #expect(ready.tasks.count == 6)
        #expect(ready.corrupt.isEmpty)
        // A cache of another commit answers nothing (the caller reads git instead).
        let older = try repo.git("rev-parse", "refs/orch/graph~1")
        #expect(cache.readReady(at: try #require(OID(hex: older))) == nil)
    }
}
