#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GitOrchCLI
import OrchRuntime

/// `start --detach --dashboard`: the dashboard runs with the supervisor in the background, so its
/// URL would only be in the supervisor's log; wait for it to publish the URL and print it here.
enum DetachedDashboard {
    static func printURL(context: RunContext, startedAfter start: Date, timeout: Double = 15) {
        let deadline = Date().addingTimeInterval(timeout)
        let file = DashboardAddress.path(context.paths)
        while Date() < deadline {
            let modified = (try? FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date) ?? nil
            if let modified, modified >= start.addingTimeInterval(-1) {
                do {
                    if let address = try DashboardAddress.running(context.paths) {
                        context.console.print("dashboard: \(address.url)")
                        context.console.print("(it stops with the team; 'git orch dashboard --url' prints it again)")
                        return
                    }
                } catch {
                    context.console.writeError("git-orch: warning: \(error)")
                    return
                }
            }
            usleep(50_000)
        }
        context.console.writeError("git-orch: warning: the dashboard did not report its URL within \(Int(timeout)) s; see \(context.paths.run)/supervisor.log")
    }
}
