import ArgumentParser
import GitKit
import OrchModel
import OrchStore
import ProcessKit

extension GitOrch {
    struct Clone: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clone",
            abstract: "git clone, plus the task state and the refspec that keeps it current.")

        @Argument(help: "The repository to clone.") var url: String
        @Argument(help: "The new folder (default: from the URL, as git clone).") var directory: String?
        @Flag(help: "Join the team on this remote: sets orch.claimRemote origin, so 'git orch start' here shares claims, queue and state with the other machines.")
        var team = false
        @Option(help: "With --team: this machine's name in the team (orch.machine; default: the host name).") var machine: String?

        func validate() throws {
            if url.hasPrefix("-") || (directory?.hasPrefix("-") ?? false) { throw ValidationError("a URL or folder may not start with '-'") }
            if let machine {
                guard team else { throw ValidationError("--machine goes with --team") }
                do { try FieldRules.validateWorkerName(machine) } catch { throw ValidationError("--machine: \(error)") }
            }
        }

        func run() throws {
            let target = directory ?? Self.defaultDirectory(for: url)
            let clone: Subprocess.Result
            do { clone = try Subprocess.run("git", ["clone", "--quiet", "--", url, target]) } catch { throw CLIError.input(error.description) }
            guard clone.status == 0 else {
                throw CLIError.input(clone.errorOutput.split(separator: "\n").first.map(String.init) ?? "git clone failed")
            }
            let store: TaskStore
            do { store = TaskStore(repository: try Repository.discover(from: target)) } catch { throw CLIError.input("\(target): \(error)") }
            do {
                let remote = try RemoteGit(remote: "origin", repository: store.repository)
                try remote.configureFetchRefspec()
                if team {
                    do {
                        try store.repository.setConfigString("orch.claimRemote", "origin")
                        if let machine { try store.repository.setConfigString("orch.machine", machine) }
                    } catch { throw CLIError.input("\(target): cannot set orch.claimRemote: \(error)") }
                }
                try remote.fetch()
                if try store.repository.referenceTarget(remote.trackingRef()) != nil {
                    let report = try store.sync(with: remote)
                    // Workers, handoffs and costs come along, so 'git orch resume' can bring the team back here.
                    _ = try store.syncChains(with: remote)
                    try remote.exchangeAttempts()  // failed attempts' work (refs/orch-attempts/*)
                    let count = try store.snapshot().graph.count
                    Console.current.print("Cloned into '\(target)' with its task graph (\(count) tasks, \(report.action.rawValue)).")
                } else {
                    Console.current.print("Cloned into '\(target)'; the remote has no task graph yet.")
                }
            } catch let error as StoreError {
                throw CLIError.store(error)
            }
        }

        /// The folder git clone would pick: the URL's last part without `.git`.
        static func defaultDirectory(for url: String) -> String {
            var name = url
            while name.hasSuffix("/") { name.removeLast() }
            name = String(name.split(whereSeparator: { $0 == "/" || $0 == ":" }).last ?? Substring(name))
            if name.hasSuffix(".git") { name.removeLast(4) }
            return name.isEmpty ? "repository" : name
        }
    }
}
