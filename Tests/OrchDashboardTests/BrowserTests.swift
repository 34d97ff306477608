import Foundation
import OrchTestSupport
import Testing

/// The dashboard in a real headless browser: Tests/Browser/dashboard_test.py (selenium with
/// Debian's chromium and chromium-driver; .ci/run installs them) against a real supervisor with
/// four fake workers. Without a browser it is skipped on a developer's machine and fails in CI.
/// GIT_ORCH_SCREENSHOTS=DIR keeps its screenshots (docs/dashboard-*.png came from it).
@Suite(.serialized) struct BrowserTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static func missing() -> [String] {
        var missing: [String] = []
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin"
        for tool in ["chromium", "chromedriver", "python3"] where !path.split(separator: ":").contains(where: {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
        }) { missing.append(tool) }
        if let result = try? Run.process("/usr/bin/env", ["python3", "-c", "import selenium"], in: packageRoot), result.status != 0 {
            missing.append("python selenium")
        }
        return missing
    }

    @Test func fourWorkersInTheDashboard() throws {
        let missing = Self.missing()
        guard missing.isEmpty else {
            #expect(ProcessInfo.processInfo.environment["CI"] != "true", "the browser test needs \(missing.joined(separator: ", ")) (.ci/run installs them)")
            print("skipped: the browser test needs \(missing.joined(separator: ", "))")
            return
        }
        let screenshots = ProcessInfo.processInfo.environment["GIT_ORCH_SCREENSHOTS"] ?? TemporaryDirectory("git-orch-shots").path
        let binaries = URL(fileURLWithPath: OrchBinary.path).deletingLastPathComponent().path
        let result = try Run.process("/usr/bin/env", ["python3", Self.packageRoot + "/Tests/Browser/dashboard_test.py", "--bin", binaries,
                                                      "--screenshots", screenshots], in: Self.packageRoot)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains(" passed, 0 failed"), "\(result.stdout)")
    }
}
