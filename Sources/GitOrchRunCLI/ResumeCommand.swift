import ArgumentParser
import Foundation
import GitOrchCLI
import OrchRuntime

extension GitOrchRun {
    struct Resume: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resume the registered team here (on a clone, say): worktrees, branches, then start.",
            discussion: """
                Syncs refs/orch/* with the remote (orch.remote, else origin), recreates each registered \
                worker's branch (from the remote's orch/<name> when there is no local one) and worktree, and \
                starts the team: each worker resumes its claimed task with its latest handoff document in \
                the prompt.
                """)

        @Flag(help: "Only recreate the worktrees and branches; do not start the team.") var noStart = false
        @Flag(help: "Start in the background.") var detach = false
        @Flag(help: "Return when no task is ready or claimed and no worker is busy.") var untilDone = false
        @Flag(help: "Print the workers as JSON (with --no-start).") var json = false

        func run() throws {
            let context = try RunContext.open()
            let settings = try context.settings()
            let prepared = try runtime { () throws(RuntimeError) in
                try TeamResume(repository: context.repository, settings: settings).prepare()
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                context.console.print(String(decoding: try encoder.encode(prepared.workers), as: UTF8.self))
            } else {
                if let remote = prepared.remote { context.console.print("synced refs/orch/* with \(remote)") }
                for worker in prepared.workers {
                    var line = "\(worker.name): \(worker.branch)" + (worker.commit.map { "@\($0.prefix(8))" } ?? "") + " (\(worker.branchSource))"
                    line += worker.tasks.isEmpty ? ", no task in hand" : ", resumes " + worker.tasks.joined(separator: ", ")
                    if let handoff = worker.handoff { line += ", from handoff \(handoff)" }
                    context.console.print(line)
                }
            }
            guard !noStart else { return }
            var arguments: [String] = []
            if detach { arguments.append("--detach") }
            if untilDone { arguments.append("--until-done") }
            let start = try Start.parse(arguments)
            try start.run()
        }
    }
}
