#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import OrchStore
import GitOrchCLI
import OrchRuntime

extension GitOrchRun {
    /// The worker process the supervisor spawns (not for people: its stdin and stdout are the
    /// supervisor's pipes).
    struct Worker: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "__worker", shouldDisplay: false)

        @Argument var name: String

        func run() throws {
            // Ctrl-C in the supervisor's terminal is the supervisor's to handle: it tells us to stop.
            signal(SIGINT, SIG_IGN)
            signal(SIGHUP, SIG_IGN)
            let context = try RunContext.open()
            var settings = try context.settings()
            let environment = ProcessInfo.processInfo.environment
            if let text = environment["GIT_ORCH_TEAM_BUDGET"], let budget = Double(text) { settings.teamBudgetUSD = budget }
            let loop = try runtime { () throws(RuntimeError) in
                guard let record = try (store { () throws(StoreError) in try WorkerRegistry(repository: context.repository).record(name) }) else {
                    throw .invalidInput("no worker named '\(name)' in refs/orch/workers")
                }
                let config = try RuntimeConfig.read(in: context.root)
                let preset = try Supervisor.preset(for: record, config: config, root: context.root)
                var main = environment["GIT_ORCH_MAIN_BRANCH"] ?? ""
                if main.isEmpty { main = try Worktrees.mainBranch(of: context.repository) }
                return try WorkerLoop(record: record, preset: preset, settings: settings, repository: context.repository,
                                      catalog: context.catalog(), mainBranch: main)
            }
            let status = loop.run()
            if status != 0 { throw CLIError.exit(status) }
        }
    }
}
