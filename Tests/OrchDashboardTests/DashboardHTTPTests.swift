import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OrchDashboard
import OrchRuntime
import OrchTestSupport
import Testing

@Suite struct DashboardHTTPTests {
    let token = "0123456789abcdef0123456789abcdef"

    @Test func everyRequestNeedsTheToken() async throws {
        let services = DashboardServices.fake(FakeSupervisor())
        let app = DashboardServer.application(services, port: 0)
        try await app.test(.router) { client in
            for path in ["/", "/dashboard.js", "/api/status", "/api/workers/indigo/scrollback", "/ws", "/?token=wrong"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(path)")
                }
            }
            // The printed URL opens the page and leaves a cookie for its scripts.
            let cookie = try await client.execute(uri: "/?token=\(token)", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("<title>git orch dashboard</title>"))
                return try #require(response.headers[.setCookie])
            }
            #expect(cookie.hasPrefix("orch_token=\(token)") && cookie.contains("HttpOnly"))
            try await client.execute(uri: "/dashboard.js", method: .get, headers: [.cookie: "orch_token=\(token)"]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("\"#6366f1\": \"#0d0d14\""))
            }
            // Changing something needs the header (or the query): a cookie alone is what another site's form would send.
            try await client.execute(uri: "/api/workers/indigo/stop", method: .post, headers: [.cookie: "orch_token=\(token)"]) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/api/status", method: .get, headers: [AccessToken.header: token]) { response in
                #expect(response.status == .ok)
                let answer = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
                #expect(answer?["running"] as? Bool == true)
                #expect(((answer?["status"] as? [String: Any])?["workers"] as? [Any])?.count == 4)
                #expect((answer?["queue"] as? [String: Any])?["merged"] as? Int == 3)
            }
        }
    }

    @Test func actionsReachTheSupervisor() async throws {
        let supervisor = FakeSupervisor()
        let app = DashboardServer.application(.fake(supervisor), port: 0)
        try await app.test(.router) { client in
            let headers: HTTPFields = [AccessToken.header: token, .contentType: "application/json"]
            for (path, body) in [("indigo/stop", ""), ("emerald/restart", ""), ("amber/pause", ""), ("amber/resume", ""), ("rose/input", #"{"text":"y"}"#)] {
                try await client.execute(uri: "/api/workers/\(path)", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .ok, "\(path): \(String(buffer: response.body))")
                }
            }
            let sent = await supervisor.requests.filter { $0.command != .status }
            #expect(sent.map { "\($0.command.rawValue) \($0.worker ?? "") \($0.text ?? "")" } == [
                "stop indigo ", "restart emerald ", "pause amber ", "resume amber ", "input rose y",
            ])
            // A bad name never reaches it; a refusal and a missing supervisor say why.
            try await client.execute(uri: "/api/workers/..%2Fx/stop", method: .post, headers: headers) { response in
                #expect(response.status == .badRequest)
            }
            await supervisor.setRefusal("no worker named 'nosuch'")
            try await client.execute(uri: "/api/workers/nosuch/stop", method: .post, headers: headers) { response in
                #expect(response.status == .conflict)
                #expect(String(buffer: response.body).contains("no worker named 'nosuch'"))
            }
            await supervisor.setRunning(false)
            try await client.execute(uri: "/api/workers/indigo/restart", method: .post, headers: headers) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("no supervisor"))
            }
        }
    }

    @Test func scrollbackIsTheTailOfTheKeptTerminalOutput() async throws {
        let folder = TemporaryDirectory("git-orch-dashboard")
        let paths = RuntimePaths(root: folder.path)
        try FileManager.default.createDirectory(atPath: paths.logs, withIntermediateDirectories: true)
        let older = (1...200).map { "older line \($0)\n" }.joined()
        let newer = (1...50).map { "line \($0) \u{1b}[32mgreen\u{1b}[0m é\n" }.joined()
        try older.write(toFile: paths.terminalLog("indigo") + ".1", atomically: true, encoding: .utf8)
        try newer.write(toFile: paths.terminalLog("indigo"), atomically: true, encoding: .utf8)
        let directory = RepositoryTeamDirectory(repositoryPath: folder.path, paths: paths)
        #expect(directory.scrollback("indigo", limit: 1 << 20) == older + newer)
        // Cut at a line start, within the limit, across the two files.
        let tail = directory.scrollback("indigo", limit: newer.utf8.count + 100)
        #expect(tail.hasSuffix(newer) && tail.hasPrefix("older line") && tail.utf8.count <= newer.utf8.count + 100)
        #expect(directory.scrollback("nobody", limit: 1000) == "")

        let services = DashboardServices(link: FakeSupervisor(), directory: directory, handoff: FakeHandoff(), token: AccessToken(token))
        try await DashboardServer.application(services, port: 0).test(.router) { client in
            try await client.execute(uri: "/api/workers/indigo/scrollback?limit=200", method: .get, headers: [AccessToken.header: token]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).hasSuffix("line 50 \u{1b}[32mgreen\u{1b}[0m é\n"))
                #expect(response.body.readableBytes <= 200)
            }
        }
    }

    static let xtermNeeds = [TestDependency.file(DashboardServices.defaultXtermDirectory + "/lib/public/Terminal.js", providedBy: "node-xterm")]

    @Test(.enabled(if: TestDependency.runnable(DashboardHTTPTests.xtermNeeds), Comment(rawValue: TestDependency.reason(DashboardHTTPTests.xtermNeeds))))
    func xtermComesFromDebiansPackageAsOneScript() throws {
        try TestDependency.require(Self.xtermNeeds)
        let bundle = XtermBundle(root: DashboardServices.defaultXtermDirectory)
        let script = try #require(bundle.script())
        #expect(script.contains("\"lib/public/Terminal.js\": function") && script.contains("\"lib/addons/search/search.js\": function"))
        #expect(script.contains("window.Terminal = Terminal"))
        #expect(!script.contains("require(\"chai\")") && !script.contains("zmodem"))
        #expect(bundle.stylesheet?.contains(".xterm") == true)
    }
}
