import Foundation
public import Hummingbird
public import HummingbirdWebSocket
public import Logging
import NIOCore
import OrchRuntime
import ServiceLifecycle

/// The dashboard's server: HTTP (the page, `/api`) and one WebSocket (`/ws`) that carries every
/// event of the team, tagged by worker, bound to the loopback address only.
public enum DashboardServer {
    /// The HTTP routes, all behind the token.
    public static func router(_ services: DashboardServices) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: TokenMiddleware(token: services.token))
        router.addRoutes(PageRoutes(services: services).collection())
        router.addRoutes(APIRoutes(services: services).collection(), atPath: "/api")
        return router
    }

    /// `/ws`: with the token and from this dashboard's own page (Origin), a page gets `hello`,
    /// each worker's kept output, then every line the supervisor sends, as they come.
    public static func webSocketRouter(_ services: DashboardServices) -> Router<BasicWebSocketRequestContext> {
        let router = Router(context: BasicWebSocketRequestContext.self)
        let token = services.token
        router.ws("/ws") { request, _ in
            guard token.accepts(request, readOnly: true), AccessToken.originAllowed(request) else { return .dontUpgrade }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, _ in
            try await EventStreamSession(services: services).run(inbound: inbound, outbound: outbound)
        }
        return router
    }

    /// The application; `onRunning` gets the port it listens on (useful with port 0).
    public static func application(
        _ services: DashboardServices, port: Int, logger: Logger = Logger(label: "git-orch-dashboard"),
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        var app = Application(
            router: router(services),
            server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter(services)),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port), serverName: "git-orch-dashboard"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger)
        app.addServices(FeedService(feed: services.feed))
        return app
    }
}

/// One page's WebSocket.
struct EventStreamSession {
    let services: DashboardServices

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let hub = services.hub
        // Join first so nothing that happens while the scrollback is read is missed.
        let (id, lines) = await hub.join()
        do {
            var running = await hub.running
            var status = await hub.status
            if status == nil { (running, status) = await services.feed.currentStatus() }
            let team = status ?? services.directory.offlineStatus()
            try await outbound.write(.text(DashboardMessage(.hello, running: running, status: team, queue: await hub.queue).jsonLine()))
            for worker in team.workers {
                let text = services.directory.scrollback(worker.name, limit: services.scrollbackLimit)
                try await outbound.write(.text(DashboardMessage(.scrollback, worker: worker.name, text: text).jsonLine()))
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The page says nothing that matters; the loop ends when it closes.
                group.addTask { for try await _ in inbound {} }
                group.addTask { for await line in lines { try await outbound.write(.text(line)) } }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            await hub.leave(id)
            throw error
        }
        await hub.leave(id)
    }
}

/// Runs the supervisor feed for as long as the server runs.
struct FeedService: Service {
    let feed: SupervisorFeed

    func run() async throws {
        await cancelWhenGracefulShutdown { await feed.run() }
    }
}
