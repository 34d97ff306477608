import ArgumentParser
import GitKit
import OrchModel
import OrchStore

extension GitOrch {
    struct Claim: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "claim",
            abstract: "Claim a task for a worker; prints the claimed id.",
            discussion: """
                With no ID, claims the best ready task (highest priority, then oldest) that fits --role. \
                The claim is a compare-and-swap of refs/orch/graph: two claimers never get the same \
                task. Exit status 1 when nothing is claimable.
                """)

        @Argument(help: "Task id or unique prefix; omit to take the best ready task.")
        var id: String?

        @Option(help: "The worker claiming (letters, digits, '.', '_', '-').")
        var worker: String

        @Option(help: "The worker's role: only tasks for this role (or for any role) are taken.")
        var role: String?

        @Option(help: "Claim through this remote: the claim counts only once a push carrying it succeeds. Default: git config orch.claimRemote.")
        var remote: String?

        @OptionGroup var output: JSONOption

        func validate() throws {
            do {
                try FieldRules.validateWorkerName(worker)
                if let role { try FieldRules.validateRole(role) }
            } catch {
                throw ValidationError(error.description)
            }
        }

        func run() throws {
            let context = try Context.open()
            var wanted: TaskID?
            if let id { wanted = try context.resolve(id, in: try context.snapshot()) }
            let remoteName = remote ?? (try? context.store.repository.configString("orch.claimRemote"))
            let remoteGit = try remoteName.map { (name) throws(CLIError) in try context.remote(named: name) }
            let task: Task
            do {
                if let remoteGit {
                    task = try context.store.claimThroughRemote(wanted, worker: worker, role: role, remote: remoteGit)
                } else {
                    task = try context.store.apply(.claim(wanted, worker: worker, role: role)).outcome.changed[0]
                }
            } catch {
                if case .graph(.nothingClaimable) = error { throw CLIError.nothingClaimable(error.description) }
                throw CLIError.store(error)
            }
            context.console.write(output.json ? TaskFormatting.json(task) : Array((task.id.hex + "\n").utf8))
        }
    }
}
