import Foundation

/// Runs `body(0..<count)` at once, one thread each, and returns when all are done.
///
/// Not `DispatchQueue.concurrentPerform`: it runs at most one job per core at a time, while the
/// queue's lanes mostly wait on child processes (a test command that sleeps, a database, a
/// network): four lanes on two cores ran as two rounds of two, each test run's wall time twice.
enum LaneThreads {
    static func perform(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            Thread.detachNewThread {
                body(index)
                group.leave()
            }
        }
        group.wait()
    }
}
