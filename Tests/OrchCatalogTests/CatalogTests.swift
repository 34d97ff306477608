import Foundation
import OrchCatalog
import OrchModel
import OrchTestSupport
import Testing

/// The package's own folder, where the shipped Roles, Missions and Skills are.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

func shippedCatalog() -> Catalog { CatalogLoader(shippedRoot: packageRoot, overrideRoot: nil).load() }

@Suite struct ShippedCatalogTests {
    @Test func everythingShippedLoadsAndValidates() {
        let catalog = shippedCatalog()
        #expect(catalog.issues.map(\.description) == [])
        let required = [
            "backend-dev", "full-stack-dev", "database-dev", "docs-writer", "debugger", "refactorer", "integration-tester",
            "dependency-manager", "library-dev", "ui-dev", "css-artist", "qa-engineer", "test-generator", "performance-analyst",
            "security-auditor", "architect", "tech-lead", "producer", "self-reviewer", "devops-engineer", "data-engineer",
            "release-manager", "accessibility-auditor",
        ]
        #expect(Set(required).subtracting(catalog.roles.keys).sorted() == [])
        #expect(catalog.role("engine-dev")?.id == "library-dev")
        #expect(Set(catalog.missions.keys) == ["web-app", "api-service", "library", "bugfix-sprint", "refactor", "full-team"])
        #expect(catalog.skills.count >= 50)
        let categories = Set(catalog.skills.values.map(\.category))
        #expect(categories == ["git", "code", "testing", "build", "research", "docs", "database", "browser", "deploy", "security"])
        for role in catalog.roles.values { #expect(catalog.profiles[role.skillsProfile] != nil, "\(role.id)") }
    }

    @Test func missionBudgetsScaleWithTeamSize() {
        #expect(CatalogRules.defaultBudgetUSD(teamSize: 6) == 10)
        #expect(CatalogRules.defaultBudgetUSD(teamSize: 10) == 20)
        #expect(CatalogRules.defaultBudgetUSD(teamSize: 13) == 30)
        #expect(CatalogRules.defaultBudgetUSD(teamSize: 8) == 15)
        for mission in shippedCatalog().missions.values {
            #expect(mission.budgetUSD == CatalogRules.defaultBudgetUSD(teamSize: mission.teamSize), "\(mission.id)")
        }
    }
}

@Suite struct MalformedCatalogTests {
    /// A repository `.orch/` folder with one broken file of each kind, beside good ones.
    @Test func eachProblemIsNamedByFileAndFieldAndTheRestLoad() throws {
        let folder = TemporaryDirectory("git-orch-catalog")
        let root = folder.path
        for sub in ["roles", "missions", "skills/git"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(sub)", withIntermediateDirectories: true)
        }
        func write(_ path: String, _ text: String) throws { try text.write(toFile: "\(root)/\(path)", atomically: true, encoding: .utf8) }
        let prompt = String(repeating: "A real prompt for this role with rules and examples. ", count: 6)
        try write("roles/bad-yaml.md", "---\nid: bad-yaml\ntitle: [unclosed\n---\n\(prompt)")
        try write("roles/bad-capability.md", "---\nid: bad-capability\ntitle: X\nkind: code\ncapabilities: [writes-code, telepathy]\nowns: []\nmodel_tier: balanced\nskills_profile: code-writer\n---\n\(prompt)")
        try write("roles/good-role.md", "---\nid: good-role\ntitle: Good\nkind: code\ncapabilities: [writes-code]\nowns: [\"src/**\"]\nmodel_tier: balanced\nmay_escalate: false\nskills_profile: code-writer\naliases: []\n---\n\(prompt)")
        try write("missions/no-producer.json", """
            {"id": "no-producer", "title": "T", "description": "D", "team": [{"role": "tech-lead", "count": 1}, {"role": "self-reviewer", "count": 1}, {"role": "backend-dev", "count": 1}],
             "maxConcurrency": 3, "budgetUSD": 5, "models": {"tech-lead": "cheap", "self-reviewer": "balanced", "backend-dev": "strong"},
             "testCommand": "make test", "startingTasks": []}
            """)
        let webApp = try String(contentsOfFile: packageRoot + "/Missions/web-app.json", encoding: .utf8)
        try write("missions/typo.json", webApp.replacingOccurrences(of: "\"id\": \"web-app\"", with: "\"id\": \"typo\"")
            .replacingOccurrences(of: "\"after\":", with: "\"afer\":"))
        let skill = { (id: String, extra: String) in """
            {"id": "\(id)", "name": "N", "version": "1.0.0", "description": "Does a thing with git history for tests.",
             "shortDescription": "Does a thing", "triggerExamples": ["a", "b", "c"], "tags": ["git"], "category": "git",
             "parameters": {"type": "object", "properties": {}}, "requires": \(extra), "conflicts": [], "enhancedBy": [],
             "sideEffects": [], "idempotent": true, "requiresConfirmation": false, "handler": {"type": "command", "argv": ["git", "status"]}}
            """ }
        try write("skills/git/loop-a.skill.json", skill("loop-a", "[\"loop-b\"]"))
        try write("skills/git/loop-b.skill.json", skill("loop-b", "[\"loop-a\"]"))
        try write("skills/git/bad-version.skill.json", skill("bad-version", "[]").replacingOccurrences(of: "\"1.0.0\"", with: "\"one\""))
        try write("skills/git/wrong-name.skill.json", skill("other-name", "[]"))

        let catalog = CatalogLoader(shippedRoot: packageRoot, overrideRoot: root).load()
        func issue(_ file: String) -> CatalogIssue? { catalog.issues.first { $0.file.hasSuffix(file) } }
        #expect(issue("roles/bad-yaml.md")?.message.hasPrefix("front matter is not valid YAML") == true)
        #expect(issue("roles/bad-capability.md")?.field == "capabilities[1]")
        #expect(issue("roles/bad-capability.md")?.message.hasPrefix("unknown capability 'telepathy'") == true)
        let mission = catalog.issues.filter { $0.file.hasSuffix("missions/no-producer.json") }.map { "\($0.field ?? ""): \($0.message)" }
        #expect(mission.contains("team: must include 'producer'"))
        #expect(mission.contains { $0.hasPrefix("models.backend-dev: 'strong'") })
        #expect(issue("missions/typo.json")?.field?.hasSuffix(".afer") == true)
        #expect(issue("skills/git/bad-version.skill.json")?.field == "version")
        #expect(issue("skills/git/wrong-name.skill.json")?.field == "id")
        #expect(catalog.issues.contains { $0.field == "requires" && $0.message.hasPrefix("cycle loop-a -> loop-b -> loop-a") })
        // The rest still load: the good role, the looping skills themselves, every shipped entry.
        #expect(catalog.roles["good-role"] != nil)
        #expect(catalog.roles["bad-capability"] == nil)
        #expect(catalog.missions["no-producer"] == nil)
        #expect(catalog.missions["web-app"] != nil)
        #expect(catalog.skills.count >= 52)
    }

    @Test func oneSidedConflictsAndRequiringAConflictAreReported() {
        func make(_ id: String, requires: [String] = [], conflicts: [String] = []) -> Skill {
            Skill(id: id, name: id, version: "1.0.0", description: "", shortDescription: "", triggerExamples: [], tags: [],
                  category: "git", requires: requires, conflicts: conflicts, enhancedBy: [], sideEffects: [], idempotent: true,
                  requiresConfirmation: false, handler: .prompt("x"), source: "\(id).skill.json")
        }
        let skills = ["a": make("a", requires: ["b"], conflicts: ["b"]), "b": make("b"), "c": make("c", conflicts: ["zzz"])]
        let messages = CatalogRules.checkRelations(skills).map(\.description)
        #expect(messages.contains("a.skill.json: conflicts: 'b' is also required"))
        #expect(messages.contains("a.skill.json: conflicts: 'b' does not list 'a' back"))
        #expect(messages.contains("c.skill.json: conflicts: unknown skill 'zzz'"))
        // Selecting from such a pool is an error, never a crash.
        let withName = { (id: String) -> Skill in var skill = skills[id]!; skill.name = "zebrafrob \(id)"; return skill }
        let named = SkillSelector(skills: ["a": withName("a"), "b": withName("b"), "d": { var d = make("d", requires: ["gone"]); d.name = "zebrafrob d"; return d }()])
        #expect(throws: SkillSelector.SelectionError.conflict("b", "a")) { try named.select(for: "zebrafrob a") }
        #expect(throws: SkillSelector.SelectionError.missingRequirement("d", "gone")) { try named.select(for: "zebrafrob d") }
    }
}

@Suite struct MissionProjectSetupTests {
    /// The optional setup fields load, and bad values are named by file and field.
    @Test func setupFieldsLoadAndBadOnesAreNamed() throws {
        let folder = TemporaryDirectory("git-orch-catalog")
        try FileManager.default.createDirectory(atPath: folder.path + "/missions", withIntermediateDirectories: true)
        let webApp = try String(contentsOfFile: packageRoot + "/Missions/web-app.json", encoding: .utf8)
        func write(_ id: String, _ fields: String) throws {
            let text = webApp.replacingOccurrences(of: "\"id\": \"web-app\"", with: "\"id\": \"\(id)\", \(fields)")
            try text.write(toFile: folder.path + "/missions/\(id).json", atomically: true, encoding: .utf8)
        }
        try write("with-setup", #""setupCommand": "npm ci", "copyFiles": [".env", "config/*.local.json"], "portRange": 20"#)
        try write("escaping-copy", #""copyFiles": ["../secrets"]"#)
        try write("blank-setup", #""setupCommand": "  ""#)
        try write("huge-range", #""portRange": 5000"#)
        try write("wrong-type", #""copyFiles": ".env""#)
        let catalog = CatalogLoader(shippedRoot: packageRoot, overrideRoot: folder.path).load()
        let mission = try #require(catalog.missions["with-setup"])
        #expect(mission.setupCommand == "npm ci")
        #expect(mission.copyFiles == [".env", "config/*.local.json"])
        #expect(mission.portRange == 20)
        #expect(catalog.missions["web-app"]?.setupCommand == nil)
        func issue(_ id: String) -> CatalogIssue? { catalog.issues.first { $0.file.hasSuffix("missions/\(id).json") } }
        #expect(issue("escaping-copy")?.field == "copyFiles[0]")
        #expect(issue("blank-setup")?.field == "setupCommand")
        #expect(issue("huge-range")?.field == "portRange")
        #expect(issue("wrong-type")?.field == "copyFiles")
        for id in ["escaping-copy", "blank-setup", "huge-range", "wrong-type"] { #expect(catalog.missions[id] == nil) }
    }
}
