import Foundation
public import OrchRuntime

/// Fans one stream of lines out to every open page: each page joins with its own buffered
/// stream and leaves when its WebSocket closes. Also keeps the last status, for new pages.
public actor EventHub {
    private var clients: [Int: AsyncStream<String>.Continuation] = [:]
    private var nextID = 0
    public private(set) var running = false
    public private(set) var status: TeamStatus?
    public private(set) var queue: QueueSummary?

    public init() {}

    public func join() -> (id: Int, lines: AsyncStream<String>) {
        nextID += 1
        let (stream, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(20_000))
        clients[nextID] = continuation
        return (nextID, stream)
    }

    public func leave(_ id: Int) {
        clients.removeValue(forKey: id)?.finish()
    }

    public var clientCount: Int { clients.count }

    public func publish(_ line: String) {
        for continuation in clients.values { continuation.yield(line) }
    }

    /// Records the team's status and sends it to every page.
    public func update(running: Bool, status: TeamStatus, queue: QueueSummary?) {
        self.running = running
        self.status = status
        self.queue = queue
        publish(DashboardMessage(.status, running: running, status: status, queue: queue).jsonLine())
    }

    public func finishAll() {
        for continuation in clients.values { continuation.finish() }
        clients = [:]
    }
}

/// Keeps the hub fed: one `subscribe` connection to the supervisor whose lines go to every page,
/// reconnected when the supervisor comes back; and the status every `pollInterval` seconds (from
/// the supervisor, or from git when none runs).
public struct SupervisorFeed: Sendable {
    public let link: any SupervisorLink
    public let directory: any TeamDirectory
    public let hub: EventHub
    public var pollInterval: Double
    public var retryInterval: Double

    public init(link: any SupervisorLink, directory: any TeamDirectory, hub: EventHub, pollInterval: Double = 2, retryInterval: Double = 1) {
        self.link = link
        self.directory = directory
        self.hub = hub
        self.pollInterval = pollInterval
        self.retryInterval = retryInterval
    }

    /// Runs until cancelled.
    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.followEvents() }
            group.addTask { await self.pollStatus() }
        }
    }

    /// The status now: the supervisor's, or the registered team's when none answers.
    public func currentStatus() async -> (running: Bool, status: TeamStatus) {
        if let response = try? await link.send(ControlRequest(.status)), let status = response.status {
            return (true, status)
        }
        return (false, directory.offlineStatus())
    }

    func refresh() async {
        let (running, status) = await currentStatus()
        await hub.update(running: running, status: status, queue: directory.queue())
    }

    private func followEvents() async {
        while !Task.isCancelled {
            if let lines = try? await link.subscribe() {
                var first = true
                for await line in lines {
                    if first {
                        first = false
                        // The answer to `subscribe` is the status: the supervisor is (back) up.
                        if let response = try? JSONDecoder().decode(ControlResponse.self, from: Data(line.utf8)), let status = response.status {
                            await hub.update(running: true, status: status, queue: directory.queue())
                            continue
                        }
                    }
                    await hub.publish(line)
                }
                // The supervisor went away: tell the pages at once.
                await refresh()
            }
            try? await Task.sleep(for: .seconds(retryInterval))
        }
    }

    private func pollStatus() async {
        while !Task.isCancelled {
            await refresh()
            try? await Task.sleep(for: .seconds(pollInterval))
        }
    }
}
