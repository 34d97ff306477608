#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchModel
@testable import OrchRuntime
import OrchTestSupport
import Testing

/// The line `git orch start` prints per event, and where the supervisor's events go.
struct EventLineTests {
    private let task = TaskID(value: 0x0123_4567_89ab_cdef)

    @Test func aLineNamesTheWorkerTheEventTheTaskAndTheMessage() {
        let event = RuntimeEvent(.taskFailed, worker: "indigo", task: task, title: "Fix the parser", message: "tests failed")
        #expect(EventLine.text(of: event, workerColor: nil) == "[indigo] task-failed 01234567 Fix the parser: tests failed")
    }

    @Test func anEventWithoutAWorkerIsTheSupervisors() {
        let event = RuntimeEvent(.supervisorStarted, message: "2 workers on main")
        #expect(EventLine.text(of: event, workerColor: nil) == "[supervisor] supervisor-started: 2 workers on main")
    }

    @Test func costsShowFourDecimals() {
        var event = RuntimeEvent(.cost, worker: "rose", task: task, message: "done")
        event.costUSD = 0.123_456
        #expect(EventLine.text(of: event, workerColor: nil) == "[rose] cost 01234567 $0.1235: done")
        event.costUSD = 2
        #expect(EventLine.text(of: event, workerColor: nil) == "[rose] cost 01234567 $2.0000: done")
    }

    @Test func theWorkerNameTakesItsColour() {
        let event = RuntimeEvent(.taskDone, worker: "indigo", task: task)
        #expect(EventLine.text(of: event, workerColor: "#6366f1") == "[\u{1b}[38;2;99;102;241mindigo\u{1b}[0m] task-done 01234567")
    }

    @Test func aColourThatIsNotHexLeavesTheNamePlain() {
        let event = RuntimeEvent(.taskDone, worker: "indigo")
        #expect(EventLine.text(of: event, workerColor: "indigo") == "[indigo] task-done")
    }

    @Test func theTerminalGetsNoHeartbeatsOutputOrBareStateChanges() throws {
        let folder = TemporaryDirectory()
        let printed = Printed()
        let fanOut = EventFanOut(log: EventLog(path: folder.file("events.jsonl")), print: { printed.add($0) })
        fanOut.emit(RuntimeEvent(.heartbeat, worker: "indigo"), workerColor: nil)
        fanOut.emit(RuntimeEvent(.output, worker: "indigo"), workerColor: nil)
        fanOut.emit(RuntimeEvent(.state, worker: "indigo", state: "idle"), workerColor: nil)
        fanOut.emit(RuntimeEvent(.state, worker: "indigo", state: "paused", message: "paused by you"), workerColor: nil)
        fanOut.emit(RuntimeEvent(.warning, worker: "indigo", message: "disk full"), workerColor: nil)
        #expect(printed.lines == ["[indigo] state: paused by you", "[indigo] warning: disk full"])
        // The log keeps every persistent event, bare state changes too.
        let logged = EventLog(path: folder.file("events.jsonl")).tail(10).map(\.type)
        #expect(logged == [.state, .state, .warning])
    }

    @Test func subscribersGetEachEventAsAJSONLine() throws {
        let folder = TemporaryDirectory()
        let fanOut = EventFanOut(log: EventLog(path: folder.file("events.jsonl")), print: { _ in })
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[0]) }
        fanOut.subscribe(ends[1])
        let event = RuntimeEvent(.heartbeat, worker: "indigo")
        fanOut.emit(event, workerColor: nil)
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(ends[0], &buffer, buffer.count)
        #expect(count > 0)
        #expect(String(decoding: buffer[0..<max(count, 0)], as: UTF8.self) == event.jsonLine() + "\n")
        fanOut.closeSubscribers()
        #expect(fanOut.subscribers.isEmpty)
        // Closed: the reader sees end of file.
        #expect(read(ends[0], &buffer, buffer.count) == 0)
    }
}

/// The lines an `EventFanOut` printed (it prints on the caller's thread, so no lock is needed).
private final class Printed: @unchecked Sendable {
    private(set) var lines: [String] = []
    func add(_ line: String) { lines.append(line) }
}
