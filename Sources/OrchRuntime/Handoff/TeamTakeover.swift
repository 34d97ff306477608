import GitKit
import OrchModel
import OrchStore

/// `git orch resume` on a team on a remote: the workers of machines that are gone (no heartbeat
/// for `orch.machineTimeoutSeconds`) become this machine's, with their claimed tasks, pushed branches and
/// handoffs, so this machine's supervisor brings them back. Workers of live machines stay theirs.
enum TeamTakeover {
    /// Reassigns the gone machines' workers to `machine`; returns their names.
    static func takeOver(repository: Repository, root: String, remote: String, machine: String) throws(RuntimeError) -> [String] {
        let timeout = try TeamSync.settings(RuntimeConfig.read(in: root), mergeQueue: false).machineTimeoutSeconds
        let machines = try store { () throws(StoreError) in try MachineStore(repository: repository, remote: nil).machines() }
        let now = SystemClock.now()
        let live = Set(machines.filter { !$0.isGone(at: now, afterSeconds: timeout) }.map(\.machine))
        let registry = WorkerRegistry(repository: repository)
        var taken: [WorkerRecord] = []
        let registered = try store { () throws(StoreError) in try registry.all() }
        for var record in registered where !record.retired {
            guard let owner = record.machine, owner != machine, !live.contains(owner) else { continue }
            record.machine = machine
            taken.append(record)
        }
        guard !taken.isEmpty else { return [] }
        try store { () throws(StoreError) in try registry.save(taken, message: "take over " + taken.map(\.name).joined(separator: ", ") + " on \(machine)") }
        // Their branches as pushed, so the worktrees start from their work.
        let git = GitCLI(directory: root)
        let refspecs = taken.map { "+refs/heads/\($0.branch):refs/remotes/\(remote)/\($0.branch)" }
        try git.run(["fetch", "--quiet", "--no-tags", remote] + refspecs, environment: ["GIT_TERMINAL_PROMPT": "0"])
        return taken.map(\.name)
    }
}
