import Foundation
import GitKit
import HTTPTypes
import HummingbirdTesting
import HummingbirdWSTesting
import NIOWebSocket
import OrchDashboard
import OrchRuntime
import OrchTestSupport
import Testing
import WSClient

/// What a person watches on the dashboard while the real Claude Code works: its transcript, live,
/// from the running supervisor, never claude's stream-json.
@Suite(.serialized) struct LiveTranscriptTests {
    @Test(.enabled(if: TestDependency.runnable([RealAgents.claude]), Comment(rawValue: TestDependency.reason([RealAgents.claude]))),
          .timeLimit(.minutes(3)))
    func theDashboardShowsARealClaudeWorkersTranscriptAsItHappens() async throws {
        try TestDependency.require([RealAgents.claude])
        let repo = try TemporaryRepository()
        let agents = try RealAgents(["claude"])
        let model = try StandInModel(.anthropicMessages)
        let config = TemporaryDirectory("git-orch-agent-config")
        let environment = [
            "PATH": agents.path, "HOME": config.path, "ANTHROPIC_BASE_URL": model.baseURL, "ANTHROPIC_API_KEY": "stand-in",
            "CLAUDE_CONFIG_DIR": config.path + "/claude", "IS_SANDBOX": "1", "DISABLE_AUTOUPDATER": "1",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        ]
        #expect(try Run.orch(["init"], in: repo.path, environment: environment).status == 0)
        try repo.git("config", "orch.pollSeconds", "0.1")
        try repo.git("config", "orch.agentStartsPerMinute", "60000")
        let run = try BackgroundSupervisor(["start", "--workers", "1", "--agent", "claude"], in: repo.path, environment: environment)
        defer {
            _ = try? Run.orch(["stop"], in: repo.path, environment: environment)
            _ = run.wait(timeout: 30)
        }
        let paths = RuntimePaths(repository: try Repository.open(at: repo.path))
        #expect(eventually(timeout: 30) { FileManager.default.fileExists(atPath: paths.controlSocket) }, "\(run.text)")

        let token = "0123456789abcdef0123456789abcdef"
        let services = DashboardServices(
            link: ControlSocketLink(paths: paths), directory: RepositoryTeamDirectory(repositoryPath: repo.path, paths: paths),
            handoff: CommandHandoff(command: ["true"], directory: repo.path), token: AccessToken(token))
        let app = DashboardServer.application(services, port: 0)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            var headers = HTTPFields()
            headers[.origin] = "http://localhost:\(port)"
            try await client.ws("/ws?token=\(token)", configuration: WebSocketClientConfiguration(maxFrameSize: 1 << 22, additionalHeaders: headers)) {
                inbound, outbound, _ in
                var messages = inbound.messages(maxSize: 1 << 22).makeAsyncIterator()
                // The page is open before the task exists: all that follows reaches it live.
                let add = try Run.orch(["task", "add", "write notes/live.txt: seen live"], in: repo.path, environment: environment)
                #expect(add.status == 0, "\(add.stderr)")
                var shown = ""
                while !shown.contains("✔ done") && !shown.contains("✘ failed") {
                    guard case .text(let text) = try await messages.next() else { Issue.record("the socket closed: \(shown)"); break }
                    let message = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
                    if message["type"] as? String == "output" && message["worker"] as? String == "indigo" {
                        shown += message["text"] as? String ?? ""
                    }
                }
                let lines = Self.visible(shown)
                #expect(lines.contains { $0.hasPrefix("Bash: mkdir -p notes && printf '%s\\n' 'seen live' > notes/live.txt") }, "\(lines)")
                #expect(lines.contains { $0.hasPrefix("✔ done (") && $0.contains("tokens: ") }, "\(lines)")
                #expect(!lines.contains { $0.hasPrefix("{") || $0.contains(#""type":"#) || $0.contains(#""session_id""#) }, "\(lines)")
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    /// Lines as xterm shows them: colours and carriage returns dropped.
    static func visible(_ text: String) -> [String] {
        let plain = text.replacingOccurrences(of: #"\u001B\[[0-9;]*m"#, with: "", options: .regularExpression)
        return plain.utf8.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0.filter { $0 != UInt8(ascii: "\r") }, as: UTF8.self) }
    }
}
