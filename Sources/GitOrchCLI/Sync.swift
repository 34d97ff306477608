import ArgumentParser
import GitKit
import OrchModel
import OrchStore

extension GitOrch {
    struct Sync: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "Exchange task state with a remote: fetch, merge, push with a lease.",
            discussion: """
                Fetches the remote's refs/orch/* into refs/orch-remotes/<remote>/*, merges each side's \
                operations three-way (rules in docs/state-format.md), and pushes with \
                --force-with-lease so that nothing another machine pushed meanwhile is overwritten. \
                Failed attempts' work (refs/orch-attempts/*) is fetched and pushed as it is. \
                REMOTE defaults to `git config orch.remote`, then origin.
                """)

        @Argument(help: "The remote to sync with.") var remote: String?
        @OptionGroup var output: JSONOption

        func run() throws {
            let context = try Context.open()
            let remoteGit = try context.remote(named: remote)
            let report: SyncReport
            let chains: [String: ChainSyncAction]
            do {
                report = try context.store.sync(with: remoteGit)
                // A team on a remote also shares its merge queue and machines (heartbeats, queue lease).
                let team = TeamRemote.name(in: context.store.repository) != nil
                chains = try context.store.syncChains(with: remoteGit, names: team ? TaskStore.teamChains : TaskStore.syncedChains)
                try remoteGit.exchangeAttempts()  // failed attempts' work (refs/orch-attempts/*)
            } catch { throw CLIError.store(error) }
            if output.json {
                var out: [UInt8] = Array("{\"action\":".utf8)
                TaskJSON.appendString(report.action.rawValue, to: &out)
                out += Array(",\"conflicts\":[".utf8)
                for (index, note) in report.notes.enumerated() {
                    if index > 0 { out.append(UInt8(ascii: ",")) }
                    out += Array("{\"task\":\"\(note.task.hex)\",\"resolution\":".utf8)
                    TaskJSON.appendString(note.message, to: &out)
                    out.append(UInt8(ascii: "}"))
                }
                out += Array("],\"notesChanged\":\(report.notesChanged),\"head\":\(report.head.map { "\"\($0.hex)\"" } ?? "null"),\"mergedTasks\":\(report.mergedTasks),\"remote\":".utf8)
                TaskJSON.appendString(report.remote, to: &out)
                out += Array(",\"rounds\":\(report.rounds)}\n".utf8)
                context.console.write(out)
                return
            }
            var lines: [String] = []
            switch report.action {
            case .upToDate: lines.append("Already up to date with \(report.remote).")
            case .pushed: lines.append("Pushed local task state to \(report.remote).")
            case .pulled: lines.append("Took \(report.remote)'s task state (fast-forward).")
            case .merged: lines.append("Merged with \(report.remote): \(report.mergedTasks) tasks changed, \(report.notes.count) conflicts resolved; pushed.")
            }
            for note in report.notes { lines.append("  conflict \(note)") }
            let moved = chains.filter { $0.value != .upToDate && $0.value != .absent }.sorted { $0.key < $1.key }
            if !moved.isEmpty { lines.append("State: " + moved.map { "refs/orch/\($0.key) \($0.value.rawValue)" }.joined(separator: ", ") + ".") }
            if report.notesChanged > 0 { lines.append("Notes: \(report.notesChanged) refs under refs/notes/orch/ exchanged.") }
            context.console.print(lines.joined(separator: "\n"))
        }
    }
}

extension Context {
    /// The remote to talk to: the one named, else `orch.remote`, else origin.
    func remote(named name: String?) throws(CLIError) -> RemoteGit {
        let configured = try? store.repository.configString("orch.remote")
        do {
            return try RemoteGit(remote: name ?? configured ?? "origin", repository: store.repository)
        } catch {
            throw .store(error)
        }
    }
}
