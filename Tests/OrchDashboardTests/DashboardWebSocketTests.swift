import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSTesting
import NIOWebSocket
import OrchDashboard
import OrchRuntime
import Testing
import WSClient

@Suite struct DashboardWebSocketTests {
    let token = "0123456789abcdef0123456789abcdef"

    func configuration(origin port: Int?) -> WebSocketClientConfiguration {
        var headers = HTTPFields()
        if let port { headers[.origin] = "http://localhost:\(port)" }
        return WebSocketClientConfiguration(maxFrameSize: 1 << 22, additionalHeaders: headers)
    }

    @Test func aPageGetsTheTeamItsScrollbackThenEveryEventTaggedByWorker() async throws {
        let supervisor = FakeSupervisor()
        let directory = FakeDirectory(logs: ["indigo": "indigo's kept output\r\n", "rose": "rose was here\r\n"])
        let app = DashboardServer.application(.fake(supervisor, directory: directory), port: 0)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await client.ws("/ws?token=\(token)", configuration: configuration(origin: port)) { inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 22).makeAsyncIterator()
                func next() async throws -> [String: Any] {
                    guard case .text(let text) = try await messages.next() else { Issue.record("the socket closed"); return [:] }
                    return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
                }
                let hello = try await next()
                #expect(hello["type"] as? String == "hello")
                #expect(((hello["status"] as? [String: Any])?["workers"] as? [[String: Any]])?.map { $0["hex"] as? String } ==
                        ["#6366f1", "#10b981", "#f59e0b", "#f43f5e"])
                var scrollback: [String: String] = [:]
                for _ in 0..<4 {
                    let message = try await next()
                    #expect(message["type"] as? String == "scrollback")
                    scrollback[message["worker"] as? String ?? "?"] = message["text"] as? String
                }
                #expect(scrollback == ["indigo": "indigo's kept output\r\n", "emerald": "", "amber": "", "rose": "rose was here\r\n"])

                // The supervisor's lines go to the page as they come, each naming its worker,
                // event types the dashboard does not know included.
                #expect(await eventuallyAsync { await supervisor.subscriberCount == 1 })
                await supervisor.push(#"{"type":"output","worker":"emerald","text":"\u001b[32mcompiling\u001b[0m\r\n","time":"t"}"#)
                await supervisor.push(#"{"type":"state","worker":"amber","state":"needs-input","time":"t"}"#)
                await supervisor.push(#"{"type":"handoff-step","worker":"rose","step":2,"name":"commit","state":"done"}"#)
                var seen: [String] = []
                while seen.count < 3 {
                    let message = try await next()
                    guard message["type"] as? String != "status" else { continue }
                    seen.append("\(message["worker"] as? String ?? "-") \(message["type"] as? String ?? "-")")
                    if message["type"] as? String == "output" { #expect(message["text"] as? String == "\u{1b}[32mcompiling\u{1b}[0m\r\n") }
                }
                #expect(seen == ["emerald output", "amber state", "rose handoff-step"])

                // A hand-off started over HTTP reports its steps and its end on the socket.
                try await client.execute(uri: "/api/workers/indigo/handoff", method: .post, headers: [AccessToken.header: token]) { response in
                    #expect(response.status == .accepted)
                }
                var steps: [Int] = []
                var result: [String: Any] = [:]
                while result.isEmpty {
                    let message = try await next()
                    if message["type"] as? String == "handoff-step" { steps.append(message["step"] as? Int ?? 0) }
                    if message["type"] as? String == "handoff-result" { result = message }
                }
                #expect(steps == [1, 2, 3, 4, 5])
                #expect(result["worker"] as? String == "indigo" && result["ok"] as? Bool == true)

                // The supervisor goes away: pages hear it at once.
                await supervisor.setRunning(false)
                while true {
                    let message = try await next()
                    if message["type"] as? String == "status" && message["running"] as? Bool == false { break }
                }
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    @Test func theSocketNeedsTheTokenAndThisDashboardsOrigin() async throws {
        let app = DashboardServer.application(.fake(FakeSupervisor()), port: 0)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            await #expect(throws: WebSocketClientError.webSocketUpgradeFailed) {
                try await client.ws("/ws", configuration: configuration(origin: port)) { inbound, _, _ in for try await _ in inbound {} }
            }
            await #expect(throws: WebSocketClientError.webSocketUpgradeFailed) {
                try await client.ws("/ws?token=nottheone", configuration: configuration(origin: port)) { inbound, _, _ in for try await _ in inbound {} }
            }
            var evil = HTTPFields()
            evil[.origin] = "http://evil.example"
            await #expect(throws: WebSocketClientError.webSocketUpgradeFailed) {
                try await client.ws("/ws?token=\(token)", configuration: WebSocketClientConfiguration(additionalHeaders: evil)) { inbound, _, _ in
                    for try await _ in inbound {}
                }
            }
            var otherPort = HTTPFields()
            otherPort[.origin] = "http://localhost:\(port == 1 ? 2 : port - 1)"
            await #expect(throws: WebSocketClientError.webSocketUpgradeFailed) {
                try await client.ws("/ws?token=\(token)", configuration: WebSocketClientConfiguration(additionalHeaders: otherPort)) { inbound, _, _ in
                    for try await _ in inbound {}
                }
            }
        }
    }
}

func eventuallyAsync(timeout: Double = 10, _ condition: () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}
