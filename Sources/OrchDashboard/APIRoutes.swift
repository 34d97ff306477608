import Foundation
public import Hummingbird
import OrchModel
import OrchRuntime

/// What `/api/status` answers.
struct StatusAnswer: ResponseEncodable {
    var running: Bool
    var status: TeamStatus
    var queue: QueueSummary?
}

/// What an action answers: the supervisor's message, or why it did not happen.
struct ActionAnswer: ResponseEncodable {
    var ok: Bool
    var message: String?
    var error: String?
}

struct InputBody: Decodable {
    var text: String
}

/// `/api`: the team's status, a worker's kept output, and the buttons (stop, restart, pause,
/// resume, input, hand-off), each forwarded to the supervisor on its control socket.
public struct APIRoutes<Context: RequestContext>: Sendable {
    public let services: DashboardServices

    public init(services: DashboardServices) { self.services = services }

    public func collection() -> RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("status") { _, _ in await status() }
        routes.get("workers/{name}/scrollback") { request, context in
            let name = try workerName(context)
            let limit = request.uri.queryParameters.get("limit", as: Int.self).map { min(max($0, 0), services.scrollbackLimit) }
            let text = services.directory.scrollback(name, limit: limit ?? services.scrollbackLimit)
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        for (action, command) in [("stop", ControlRequest.Command.stop), ("restart", .restart), ("pause", .pause), ("resume", .resume)] {
            routes.post("workers/{name}/\(action)") { _, context in
                try await forward(ControlRequest(command, worker: try workerName(context)))
            }
        }
        routes.post("workers/{name}/input") { request, context in
            let name = try workerName(context)
            let body = try await request.decode(as: InputBody.self, context: context)
            return try await forward(ControlRequest(.input, worker: name, text: body.text))
        }
        routes.post("workers/{name}/handoff") { _, context in
            let name = try workerName(context)
            startHandoff(name)
            return EditedResponse(status: .accepted, response: ActionAnswer(ok: true, message: "handing off \(name)"))
        }
        return routes
    }

    func status() async -> StatusAnswer {
        let (running, status) = await services.feed.currentStatus()
        return StatusAnswer(running: running, status: status, queue: services.directory.queue())
    }

    private func workerName(_ context: Context) throws -> String {
        let name = try context.parameters.require("name")
        do { try FieldRules.validateWorkerName(name) } catch { throw HTTPError(.badRequest, message: "\(error)") }
        return name
    }

    private func forward(_ request: ControlRequest) async throws -> EditedResponse<ActionAnswer> {
        do {
            let response = try await services.link.send(request)
            guard response.ok else {
                return EditedResponse(status: .conflict, response: ActionAnswer(ok: false, error: response.error ?? "the supervisor refused"))
            }
            return EditedResponse(status: .ok, response: ActionAnswer(ok: true, message: response.message))
        } catch {
            let status: HTTPResponse.Status = if case .notRunning = error { .serviceUnavailable } else { .badGateway }
            return EditedResponse(status: status, response: ActionAnswer(ok: false, error: error.description))
        }
    }

    /// Runs in the background: its steps and its end go to every page on the WebSocket.
    private func startHandoff(_ worker: String) {
        let hub = services.hub
        let launcher = services.handoff
        _Concurrency.Task {
            let outcome = await launcher.handoff(worker) { line in await hub.publish(line) }
            await hub.publish(DashboardMessage(.handoffResult, worker: worker, ok: outcome.ok, message: outcome.message).jsonLine())
        }
    }
}
