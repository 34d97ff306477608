public import GitKit
import OrchModel
import OrchStore

extension TeamStatus {
    /// Adds what a team on a remote shows (as last synced): each worker's machine, the machines
    /// and the queue lease holder. Unchanged when the team is local.
    public func addingTeam(_ repository: Repository) throws(RuntimeError) -> TeamStatus {
        guard let remote = TeamRemote.name(in: repository) else { return self }
        var status = self
        let records = try store { () throws(StoreError) in try WorkerRegistry(repository: repository).all() }
        for index in status.workers.indices {
            status.workers[index].machine = records.first { $0.name == status.workers[index].name }?.machine
        }
        let machines = MachineStore(repository: repository, remote: nil)
        status.team = Team(remote: remote, machine: TeamRemote.machine(in: repository),
                           queueRunner: try store { () throws(StoreError) in try machines.lease() },
                           machines: try store { () throws(StoreError) in try machines.machines() })
        return status
    }
}

extension TeamStatus {
    /// `addingTeam`, for a status that must answer anyway: a failure is reported, not fatal.
    func addingTeamOrWarning(_ repository: Repository, warn: (String) -> Void) -> TeamStatus {
        do { return try addingTeam(repository) } catch {
            warn("status: cannot read the team's machines: \(error.description)")
            return self
        }
    }
}
