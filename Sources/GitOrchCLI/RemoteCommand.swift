import ArgumentParser
import GitKit
import OrchModel
import OrchStore

extension GitOrch {
    /// `git orch remote setup`
    struct Remote: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remote",
            abstract: "Set up a remote to carry git-orch state.", subcommands: [Setup.self])

        struct Setup: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "setup",
                abstract: "Add the refs/orch/* refspec to a remote and take its state.",
                discussion: "After this, a plain 'git fetch' keeps refs/orch-remotes/<remote>/* current, and 'git orch sync' merges it.")
            @Argument(help: "The remote (default: origin).") var remote: String?

            func run() throws {
                let context = try Context.open()
                let remoteGit = try context.remote(named: remote)
                do {
                    let added = try remoteGit.configureFetchRefspec()
                    try remoteGit.fetch()
                    let hasLocal = try context.store.headCommit() != nil
                    let hasRemote = try context.store.repository.referenceTarget(remoteGit.trackingRef()) != nil
                    var message = added ? "Configured \(remoteGit.remote) to fetch refs/orch/*." : "\(remoteGit.remote) already fetches refs/orch/*."
                    if hasRemote || hasLocal {
                        let report = try context.store.sync(with: remoteGit)
                        message += " Task state: \(report.action.rawValue)."
                    } else {
                        message += " Neither side has a task graph yet ('git orch init')."
                    }
                    context.console.print(message)
                } catch let error as StoreError {
                    throw CLIError.store(error)
                }
            }
        }
    }
}
