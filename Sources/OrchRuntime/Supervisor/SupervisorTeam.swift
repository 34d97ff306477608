import Foundation
import GitKit
import OrchModel
import OrchStore

/// The supervisor of a team on a remote (see `TeamSync`): the shared state comes in before the
/// team is planned, the sync thread runs beside the loop, and only the lease holder runs the queue.
extension Supervisor {
    /// This machine's name when the team is on a remote (after pulling the shared state), else nil.
    func joinTeamRemote() throws(RuntimeError) -> String? {
        guard let remote = try store({ () throws(StoreError) in try TeamRemote.configured(in: repository) }) else { return nil }
        try TeamSync.pull(repository: repository, remote: remote)
        return TeamRemote.machine(in: repository)
    }

    func startTeamSync(machine: String) throws(RuntimeError) {
        guard let remote = TeamRemote.name(in: repository) else { return }
        let teamSettings = try TeamSync.settings(RuntimeConfig.read(in: repositoryRoot), mergeQueue: settings.mergeQueue)
        let sync = TeamSync(remote: remote, machine: machine, root: repositoryRoot, mainBranch: mainBranch, settings: teamSettings)
        // The first heartbeat lands before any worker claims: a stopped record from an earlier run
        // must not make another machine give this run's fresh claims back.
        try sync.beat(repository: repository, workers: handles.map(\.record.name))
        // Workers start from the remote's main.
        let git = GitCLI(directory: repositoryRoot)
        do {
            try git.run(["fetch", "--quiet", "--no-tags", remote, "+refs/heads/\(mainBranch):refs/remotes/\(remote)/\(mainBranch)"],
                        environment: ["GIT_TERMINAL_PROMPT": "0"])
            try RemoteMain.followRemoteMain(main: mainBranch, remote: remote, git: git)
        } catch {
            emit(RuntimeEvent(.warning, message: "team remote \(remote): \(error.description)"))
        }
        sync.start(workers: handles.map(\.record.name))
        teamSync = sync
        emit(RuntimeEvent(.message, message: "team on remote \(remote): this machine is \(machine); state syncs every \(teamSettings.syncSeconds) s"))
    }

    /// Events of the sync thread, said by the supervisor; state others must see starts a sync.
    func followTeamSync(after events: [RuntimeEvent] = []) {
        guard let teamSync else { return }
        let shared: Set<RuntimeEvent.Kind> = [.taskDone, .taskFailed, .taskQueued, .taskReleased, .cost, .committed]
        if events.contains(where: { shared.contains($0.type) }) {
            teamSync.requestSync()
        }
        for event in teamSync.drainEvents() { emit(event) }
    }
}
