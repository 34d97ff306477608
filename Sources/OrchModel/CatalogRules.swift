/// The rules a team preset and the skill pool must keep.
public enum CatalogRules {
    /// Roles every mission has: someone plans, someone leads, someone reviews.
    public static let requiredMissionRoles = ["producer", "tech-lead", "self-reviewer"]
    /// Code agents per coordination agent: about 2:1.
    public static let codeToCoordinationRange = 1.5...2.5

    /// The default budget for a team of `size` agents: $10 for 6, $20 for 10, $30 for 13, linear
    /// between and beyond those points.
    public static func defaultBudgetUSD(teamSize size: Int) -> Double {
        let points: [(Double, Double)] = [(6, 10), (10, 20), (13, 30)]
        let x = Double(size)
        if x <= points[0].0 { return max(0, points[0].1 * x / points[0].0) }
        for (low, high) in zip(points, points.dropFirst()) where x <= high.0 {
            return low.1 + (x - low.0) * (high.1 - low.1) / (high.0 - low.0)
        }
        let (a, b) = (points[1], points[2])
        return b.1 + (x - b.0) * (b.1 - a.1) / (b.0 - a.0)
    }

    /// Everything wrong with `mission` given the known roles.
    public static func check(_ mission: Mission, roles: [String: Role]) -> [CatalogIssue] {
        var issues: [CatalogIssue] = []
        func issue(_ field: String, _ message: String) { issues.append(CatalogIssue(file: mission.source, field: field, message: message)) }
        var counts: [RoleKind: Int] = [:]
        var seen: Set<String> = []
        for (index, member) in mission.team.enumerated() {
            guard let role = roles[member.role] else {
                issue("team[\(index)].role", "unknown role '\(member.role)'")
                continue
            }
            if !seen.insert(member.role).inserted { issue("team[\(index)].role", "'\(member.role)' is listed twice") }
            if member.count < 1 { issue("team[\(index)].count", "must be at least 1") }
            counts[role.kind, default: 0] += max(0, member.count)
            switch mission.models[member.role] {
            case nil: issue("models.\(member.role)", "no model tier for a role in the team")
            case let tier? where tier == role.modelTier: break
            case .strong? where role.mayEscalate: break
            case let tier?:
                issue("models.\(member.role)", "'\(tier.rawValue)' but \(role.kind.rawValue) role '\(role.id)' uses '\(role.modelTier.rawValue)'" + (role.mayEscalate ? " (or 'strong')" : ""))
            }
        }
        for extra in mission.models.keys.sorted() where !seen.contains(extra) {
            issue("models.\(extra)", "role is not in the team")
        }
        for required in requiredMissionRoles where !seen.contains(required) {
            issue("team", "must include '\(required)'")
        }
        let code = counts[.code] ?? 0, coordination = counts[.coordination] ?? 0
        if coordination > 0 {
            let ratio = Double(code) / Double(coordination)
            if !codeToCoordinationRange.contains(ratio) {
                issue("team", "\(code) code agents to \(coordination) coordination agents; keep about 2:1 (\(codeToCoordinationRange.lowerBound) to \(codeToCoordinationRange.upperBound))")
            }
        }
        let size = mission.teamSize
        if !(1...max(1, size)).contains(mission.maxConcurrency) { issue("maxConcurrency", "must be between 1 and the team size (\(size))") }
        let expected = defaultBudgetUSD(teamSize: size)
        if abs(mission.budgetUSD - expected) > expected * 0.25 {
            issue("budgetUSD", "$\(formatted(mission.budgetUSD)) is far from the default $\(formatted(expected)) for \(size) agents (within 25%)")
        }
        if mission.testCommand.allSatisfy(\.isWhitespace) { issue("testCommand", "must not be empty") }
        if let setup = mission.setupCommand, setup.allSatisfy(\.isWhitespace) { issue("setupCommand", "must not be blank (leave it out instead)") }
        for (index, glob) in mission.copyFiles.enumerated()
        where glob.isEmpty || glob.hasPrefix("/") || glob.split(separator: "/").contains("..") || glob.contains("\n") {
            issue("copyFiles[\(index)]", "'\(glob)' must be a relative path or glob inside the repository (no '..', not empty)")
        }
        if let range = mission.portRange, !(1...1000).contains(range) { issue("portRange", "must be between 1 and 1000 (ports per worker)") }
        var refs: Set<String> = []
        for (index, task) in mission.startingTasks.enumerated() {
            let field = "startingTasks[\(index)]"
            if task.title.allSatisfy(\.isWhitespace) { issue("\(field).title", "must not be empty") }
            if let role = task.role, !seen.contains(role) { issue("\(field).role", "'\(role)' is not in the team") }
            for after in task.after ?? [] where !refs.contains(after) {
                issue("\(field).after", "'\(after)' is not the ref of an earlier task")
            }
            if !refs.insert(task.ref).inserted { issue("\(field).ref", "'\(task.ref)' is used twice") }
        }
        return issues
    }

    /// Problems in the relations between skills: unknown ids, self-reference, one-sided conflicts,
    /// a skill that both requires and conflicts with another, and cycles of `requires`.
    public static func checkRelations(_ skills: [String: Skill]) -> [CatalogIssue] {
        var issues: [CatalogIssue] = []
        for skill in skills.values.sorted(by: { $0.id < $1.id }) {
            func issue(_ field: String, _ message: String) { issues.append(CatalogIssue(file: skill.source, field: field, message: message)) }
            for (field, ids) in [("requires", skill.requires), ("conflicts", skill.conflicts), ("enhancedBy", skill.enhancedBy)] {
                for id in ids where skills[id] == nil { issue(field, "unknown skill '\(id)'") }
                if ids.contains(skill.id) { issue(field, "names the skill itself") }
            }
            for id in skill.requires where skill.conflicts.contains(id) { issue("conflicts", "'\(id)' is also required") }
            for id in skill.conflicts where skills[id].map({ !$0.conflicts.contains(skill.id) }) ?? false {
                issue("conflicts", "'\(id)' does not list '\(skill.id)' back")
            }
        }
        if let cycle = requiresCycle(skills) {
            let file = skills[cycle[0]]?.source ?? "Skills"
            issues.append(CatalogIssue(file: file, field: "requires", message: "cycle \(cycle.joined(separator: " -> "))"))
        }
        return issues
    }

    private static func requiresCycle(_ skills: [String: Skill]) -> [String]? {
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var path: [String] = []
        func visit(_ id: String) -> [String]? {
            if state[id] == 2 { return nil }
            if state[id] == 1 { return Array(path[path.firstIndex(of: id)!...]) + [id] }
            state[id] = 1
            path.append(id)
            for next in skills[id]?.requires ?? [] where skills[next] != nil {
                if let cycle = visit(next) { return cycle }
            }
            path.removeLast()
            state[id] = 2
            return nil
        }
        for id in skills.keys.sorted() { if let cycle = visit(id) { return cycle } }
        return nil
    }

    private static func formatted(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
