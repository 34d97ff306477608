// `git orch dashboard`, the team in a browser, served by the git-orch-dashboard executable so that
// SwiftNIO and Hummingbird stay out of every other command's binary. A library, so that the
// documentation tree (git-orch-manual) holds this command itself.
#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import GitKit
import Hummingbird
import OrchDashboard
import OrchRuntime
import Logging

struct Dashboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Watch and steer the team in a browser: each worker's live terminal, its state and cost, and buttons.",
        discussion: """
        Serves http://127.0.0.1:PORT/ on the loopback address only; the URL it prints carries a random token that \
        every request needs. Talks to the supervisor through its control socket, and waits for one when none runs. \
        xterm.js comes from Debian's node-xterm (installed by install.sh): nothing is downloaded.
        """)

    @Option(help: "The port (default: a free one).") var port: Int = 0
    @Option(help: "Where xterm.js and its addons are.") var xtermDirectory: String = DashboardServices.defaultXtermDirectory
    @Option(help: "A token to use instead of a random one (at least 16 characters).") var token: String?
    @Flag(help: "Print the URL of the dashboard running for this repository, and exit.") var url = false
    /// Started by `git orch start --dashboard`: it stops with the team, not with Ctrl-C of its own.
    @Flag(help: .hidden) var companion = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let token, token.count < 16 || !token.allSatisfy({ $0.isLetter || $0.isNumber }) {
            throw ValidationError("--token must be at least 16 letters and digits")
        }
    }

    func run() async throws {
        // A browser that went away is an error return to handle, not a signal.
        signal(SIGPIPE, SIG_IGN)
        let repository: Repository
        do { repository = try Repository.discoverFromEnvironment() } catch {
            throw ValidationError("not a git repository: \(FileManager.default.currentDirectoryPath)")
        }
        let paths = RuntimePaths(repository: repository)
        if url {
            guard let running = try DashboardAddress.running(paths) else {
                throw ValidationError("no dashboard is running for this repository; start one with 'git orch dashboard' or 'git orch start --dashboard'")
            }
            print(running.url)
            return
        }
        let root = repository.workingDirectory ?? repository.commonDirectory
        let services = DashboardServices(
            link: ControlSocketLink(paths: paths), directory: RepositoryTeamDirectory(repositoryPath: root, paths: paths),
            handoff: CommandHandoff(command: CommandHandoff.defaultCommand(), directory: root),
            token: token.map(AccessToken.init) ?? .random(), xtermDirectory: xtermDirectory)
        if !FileManager.default.fileExists(atPath: xtermDirectory + "/lib/public/Terminal.js") {
            FileHandle.standardError.write(Data("git-orch: warning: xterm.js is missing from \(xtermDirectory); install Debian's node-xterm (./install.sh does)\n".utf8))
        }
        var logger = Logger(label: "git-orch-dashboard")
        logger.logLevel = .warning
        let stops = companion ? "it stops with the team" : "Ctrl-C stops it; the team goes on"
        let app = DashboardServer.application(services, port: port, logger: logger) { port in
            let address = "http://127.0.0.1:\(port)/?token=\(services.token.value)"
            // `git orch dashboard --url` and `start --detach --dashboard` read it from here.
            do { try DashboardAddress.publish(address, paths: paths) } catch {
                FileHandle.standardError.write(Data("git-orch: warning: \(error)\n".utf8))
            }
            // Unbuffered: whoever started us (a person, `start --dashboard`, a test) reads the URL now.
            FileHandle.standardOutput.write(Data("dashboard: \(address)\n(\(stops))\n".utf8))
        }
        defer { DashboardAddress.withdraw(paths: paths) }
        try await app.runService()
    }
}
