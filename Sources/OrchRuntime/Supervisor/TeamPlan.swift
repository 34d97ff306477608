import Foundation
public import OrchModel

/// What `git orch start` asks for; unset fields keep what the registry has.
public struct TeamRequest: Sendable {
    public var workers: Int?
    public var agent: String?
    /// Roles for every worker (`--roles`), or one role per worker from a mission.
    public var roles: [String]?
    public var rolePerWorker: [String]?
    public var model: String?
    public var budgetUSD: Double?

    public init(workers: Int? = nil, agent: String? = nil, roles: [String]? = nil, rolePerWorker: [String]? = nil,
                model: String? = nil, budgetUSD: Double? = nil) {
        self.workers = workers
        self.agent = agent
        self.roles = roles
        self.rolePerWorker = rolePerWorker
        self.model = model
        self.budgetUSD = budgetUSD
    }

    public static let defaultWorkers = 4
    public static let maxWorkers = 64
    public static let defaultAgent = "claude"
}

/// Decides the team from the registry and the request: registered workers come back with their
/// own settings (a restart or another clone resumes the same team), new ones fill the palette.
public enum TeamPlan {
    /// With `machine` (a team on a remote), only workers of that machine (or of none yet) come
    /// back; other machines' names stay taken, and the team's records name the machine.
    public static func plan(registered: [WorkerRecord], request: TeamRequest, now: Timestamp, machine: String? = nil) -> [WorkerRecord] {
        let taken = Set(registered.map(\.name))
        let registered = machine.map { machine in registered.filter { ($0.machine ?? machine) == machine } } ?? registered
        // New names carry the machine, so two machines starting at once never pick the same one.
        var team = plan(registered: registered, taken: taken, request: request, now: now, suffix: machine.map { "-" + $0 })
        if let machine { for index in team.indices { team[index].machine = machine } }
        return team
    }

    private static func plan(registered: [WorkerRecord], taken: Set<String>, request: TeamRequest, now: Timestamp, suffix: String?) -> [WorkerRecord] {
        let active = registered.filter { !$0.retired }
        let count = request.rolePerWorker?.count ?? request.workers ?? (active.isEmpty ? TeamRequest.defaultWorkers : active.count)
        var team = Array(active.prefix(count))
        var taken = taken
        var slot = 0
        while team.count < count {
            // A retired worker's name comes back before a new one is made up.
            if let retired = registered.first(where: { $0.retired && !team.map(\.name).contains($0.name) }) {
                var revived = retired
                revived.retired = false
                team.append(revived)
                continue
            }
            let (colorName, color) = WorkerColor.slot(slot)
            let name = colorName + (suffix ?? "")
            slot += 1
            guard !taken.contains(name) else { continue }
            taken.insert(name)
            team.append(WorkerRecord(name: name, color: color, agent: request.agent ?? TeamRequest.defaultAgent, created: now))
        }
        for index in team.indices {
            if let agent = request.agent { team[index].agent = agent }
            if let roles = request.roles { team[index].roles = roles }
            if let perWorker = request.rolePerWorker { team[index].roles = [perWorker[index]] }
            if let model = request.model { team[index].model = model }
            if let budget = request.budgetUSD { team[index].budgetUSD = budget }
        }
        return team
    }
}
