import Foundation
import Hummingbird
import HummingbirdTesting
import OrchDashboard
import OrchTestSupport
import Testing

/// The page's script and style are files (Sources/OrchDashboard/Resources) embedded at build
/// time: what the server sends is those files, and the script parses.
@Suite struct PageAssetsTests {
    static let needs = [TestDependency.program("node")]
    let token = "0123456789abcdef0123456789abcdef"

    static var resources: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/OrchDashboard/Resources").path
    }

    func served(_ path: String) async throws -> String {
        let app = DashboardServer.application(.fake(FakeSupervisor()), port: 0)
        return try await app.test(.router) { client in
            try await client.execute(uri: path, method: .get, headers: [.cookie: "orch_token=\(token)"]) { response in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
        }
    }

    @Test func theServedStyleIsTheFile() async throws {
        let file = try String(contentsOfFile: Self.resources + "/dashboard.css", encoding: .utf8)
        let css = try await served("/dashboard.css")
        #expect(css + "\n" == file)
        #expect(css.contains("#terminals"))
    }

    @Test(.enabled(if: TestDependency.runnable(PageAssetsTests.needs), Comment(rawValue: TestDependency.reason(PageAssetsTests.needs))))
    func theServedScriptIsTheFileAndParses() async throws {
        try TestDependency.require(Self.needs)
        let file = try String(contentsOfFile: Self.resources + "/dashboard.js", encoding: .utf8)
        let script = try await served("/dashboard.js")
        #expect(script.hasPrefix("const BACKGROUNDS = {"))
        #expect(script.hasSuffix(file.dropLast()))
        let folder = TemporaryDirectory()
        let path = folder.file("dashboard.js")
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let check = try Run.process(TestDependency.executablePath("node")!, ["--check", path], in: folder.path)
        #expect(check.status == 0, "node --check: \(check.stderr)")
        // And a broken script does fail the check, so the check above means something.
        try (script + "\n}) (").write(toFile: path, atomically: true, encoding: .utf8)
        let broken = try Run.process(TestDependency.executablePath("node")!, ["--check", path], in: folder.path)
        #expect(broken.status != 0)
    }
}
