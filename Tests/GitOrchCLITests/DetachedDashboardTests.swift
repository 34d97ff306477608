import Foundation
import OrchTestSupport
import ProcessKit
import Testing

/// `start --detach --dashboard` prints the dashboard's URL (not only into the supervisor's log),
/// and `git orch dashboard --url` prints the running one.
@Suite(.serialized) struct DetachedDashboardTests {
    static let urlPattern = #"http://127\.0\.0\.1:\d+/\?token=[0-9a-f]+"#

    @Test func aDetachedTeamPrintsItsDashboardURLAndDashboardURLFindsIt() throws {
        let team = try TeamFixture()
        let none = try team.orch("dashboard", "--url")
        #expect(none.status != 0 && none.stderr.contains("no dashboard is running for this repository"), "\(none.stderr)")
        try team.importTasks([["title": "long", "body": "@fake sleep 30"]])
        // Through posix_spawn and waitpid, as in TeamControlTests: the detached child outlives us.
        let started = try Subprocess.run(OrchBinary.path, ["start", "--workers", "1", "--detach", "--dashboard"], in: team.repo.path, environment: team.agents.environment)
        defer { _ = try? team.orch("stop") }
        #expect(started.status == 0, "\(started.errorOutput)")
        let printed = try #require(started.output.range(of: "dashboard: " + Self.urlPattern, options: .regularExpression).map { String(started.output[$0].dropFirst("dashboard: ".count)) },
                                   "\(started.output)")
        #expect(!started.output.contains("Ctrl-C"))
        let asked = try team.orch("dashboard", "--url")
        #expect(asked.status == 0, "\(asked.stderr)")
        #expect(asked.stdout == printed + "\n")
        // The URL answers.
        let page = try Subprocess.run("/usr/bin/env", ["python3", "-c", "import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).status)", printed])
        #expect(page.output.trimmingCharacters(in: .whitespacesAndNewlines) == "200", "\(page.errorOutput)")
        #expect(try team.orch("stop").status == 0)
        #expect(eventually(timeout: 20) { (try? team.orch("dashboard", "--url").status) != 0 })
    }
}
