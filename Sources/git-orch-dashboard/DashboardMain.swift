// git-orch-dashboard: `git orch dashboard` hands its arguments over to this executable, which
// serves them as the `dashboard` command (Sources/GitOrchDashboardCLI).
import ArgumentParser
import GitOrchDashboardCLI

@main
enum DashboardMain {
    static func main() async {
        await GitOrchDashboard.main(["dashboard"] + Array(CommandLine.arguments.dropFirst()))
    }
}
