import Foundation
import OrchTestSupport
import Testing

/// The dashboard in a real headless browser: Tests/Browser/dashboard_test.py (selenium with
/// Debian's chromium and chromium-driver; ./install.sh --test-deps installs them) against a real
/// supervisor with four fake workers. Without a browser it is skipped on a developer's machine and
/// fails in CI.
/// GIT_ORCH_SCREENSHOTS=DIR keeps its screenshots (docs/dashboard-*.png came from it).
@Suite(.serialized) struct BrowserTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static let needs = [TestDependency.program("chromium"), .program("chromedriver"), .pythonModule("selenium")]

    @Test(.enabled(if: TestDependency.runnable(BrowserTests.needs), Comment(rawValue: TestDependency.reason(BrowserTests.needs))))
    func fourWorkersInTheDashboard() throws {
        try TestDependency.require(Self.needs)
        let screenshots = ProcessInfo.processInfo.environment["GIT_ORCH_SCREENSHOTS"] ?? TemporaryDirectory("git-orch-shots").path
        let binaries = URL(fileURLWithPath: OrchBinary.path).deletingLastPathComponent().path
        let result = try Run.process("/usr/bin/env", ["python3", Self.packageRoot + "/Tests/Browser/dashboard_test.py", "--bin", binaries,
                                                      "--screenshots", screenshots], in: Self.packageRoot)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains(" passed, 0 failed"), "\(result.stdout)")
    }
}
