import Foundation
import OrchDashboard
import OrchModel
import OrchRuntime

/// A supervisor in memory: records the requests it gets, answers `status`, and streams the lines
/// a test pushes to every `subscribe`.
actor FakeSupervisor: SupervisorLink {
    var requests: [ControlRequest] = []
    var running = true
    var refuse: String?
    let status: TeamStatus
    private var subscribers: [AsyncStream<String>.Continuation] = []

    init(workers: [String] = ["indigo", "emerald", "amber", "rose"]) {
        status = TeamStatus(
            running: true, pid: 42, started: nil, mainBranch: "main",
            workers: workers.enumerated().map { index, name in
                let color = WorkerColor.palette[index]
                return TeamStatus.Worker(name: name, color: color.name, hex: color.hex, state: "running", pid: 100, task: nil, taskTitle: nil,
                                         tasksDone: 0, failures: 0, restarts: 0, costUSD: 0.5, budgetUSD: nil, roles: [], agent: "claude",
                                         model: nil, branch: "orch/" + name, reason: nil)
            },
            tasks: TeamStatus.Tasks(), costUSD: 2, budgetUSD: 10)
    }

    func send(_ request: ControlRequest) async throws(RuntimeError) -> ControlResponse {
        guard running else { throw .notRunning }
        requests.append(request)
        if let refuse { return ControlResponse(ok: false, error: refuse) }
        if request.command == .status { return ControlResponse(ok: true, status: status) }
        return ControlResponse(ok: true, message: "\(request.command.rawValue) \(request.worker ?? "all")")
    }

    func subscribe() async throws(RuntimeError) -> AsyncStream<String> {
        guard running else { throw .notRunning }
        let (stream, continuation) = AsyncStream<String>.makeStream()
        let encoder = JSONEncoder()
        continuation.yield(String(decoding: try! encoder.encode(ControlResponse(ok: true, status: status)), as: UTF8.self))
        subscribers.append(continuation)
        return stream
    }

    var subscriberCount: Int { subscribers.count }

    func push(_ line: String) { for subscriber in subscribers { subscriber.yield(line) } }

    func setRunning(_ value: Bool) {
        running = value
        if !value { for subscriber in subscribers { subscriber.finish() }; subscribers = [] }
    }

    func setRefusal(_ message: String?) { refuse = message }
}

/// The repository side, in memory.
struct FakeDirectory: TeamDirectory {
    var logs: [String: String] = [:]

    func scrollback(_ worker: String, limit: Int) -> String { String((logs[worker] ?? "").suffix(limit)) }

    func offlineStatus() -> TeamStatus {
        TeamStatus(running: false, pid: nil, started: nil, mainBranch: nil, workers: [], tasks: TeamStatus.Tasks(), costUSD: 0, budgetUSD: nil)
    }

    func queue() -> QueueSummary? { QueueSummary(queued: 1, testing: 1, merged: 3, rejected: 0, halted: nil) }
}

/// A hand-off that reports its five steps at once.
struct FakeHandoff: HandoffLauncher {
    func handoff(_ worker: String, progress: @escaping @Sendable (String) async -> Void) async -> HandoffOutcome {
        for step in 1...5 {
            await progress(#"{"type":"handoff-step","worker":"\#(worker)","step":\#(step),"name":"step \#(step)","state":"done"}"#)
        }
        return HandoffOutcome(ok: true, message: "\(worker) handed off")
    }
}

extension DashboardServices {
    static func fake(_ supervisor: FakeSupervisor, directory: FakeDirectory = FakeDirectory(), token: String = "0123456789abcdef0123456789abcdef")
        -> DashboardServices {
        DashboardServices(link: supervisor, directory: directory, handoff: FakeHandoff(), token: AccessToken(token),
                          xtermDirectory: "/usr/share/nodejs/xterm")
    }
}
