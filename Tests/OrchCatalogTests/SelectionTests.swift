import OrchCatalog
import OrchModel
import Testing

@Suite struct SelectionTests {
    /// Stage 1 against the hand-made table: recall at least 0.9 with at most 8 skills returned.
    @Test func stageOneFindsWhatACarefulEngineerWouldPick() {
        let catalog = shippedCatalog()
        let selector = SkillSelector(skills: catalog.skills, profiles: catalog.profiles)
        var expectedTotal = 0, found = 0, returned = 0
        var misses: [String] = []
        for (task, expected) in selectionCases {
            let picked = Set((try? selector.select(for: task))?.map(\.skill.id) ?? [])
            #expect(picked.count <= 8, "\(task): \(picked.count) skills")
            expectedTotal += expected.count
            found += expected.intersection(picked).count
            returned += picked.count
            for missing in expected.subtracting(picked) { misses.append("\(task) -> \(missing)") }
        }
        let recall = Double(found) / Double(expectedTotal)
        let precision = Double(found) / Double(max(1, returned))
        print("selection: \(selectionCases.count) tasks, recall \(recall), precision \(precision), mean \(Double(returned) / Double(selectionCases.count)) skills")
        #expect(selectionCases.count >= 40)
        #expect(recall >= 0.9, "missed: \(misses)")
    }

    @Test func requiredSkillsComeAlongAndRoleCoreSkillsFillUp() throws {
        let catalog = shippedCatalog()
        let selector = SkillSelector(skills: catalog.skills, profiles: catalog.profiles)
        let deploy = try selector.select(for: "Ship version 1.4 to production")
        let ids = deploy.map(\.skill.id)
        for match in deploy { for required in match.skill.requires { #expect(ids.contains(required), "\(match.skill.id) needs \(required)") } }
        for match in deploy { for other in match.skill.conflicts { #expect(!ids.contains(other)) } }
        let role = try #require(catalog.role("backend-dev"))
        let withRole = try selector.select(for: "Ship version 1.4 to production", role: role)
        #expect(withRole.count >= deploy.count)
        #expect(withRole.contains { $0.reason.hasPrefix("core skill of") })
        #expect(withRole.count <= 8)
    }
}

@Suite struct StageTwoTests {
    private let task = "Run the tests, fix the database migration, deploy to staging and update the docs and the changelog"

    @Test func aRankerReordersWhenManyCandidatesRemainAndUnknownIdsAreIgnored() throws {
        let catalog = shippedCatalog()
        var selector = SkillSelector(skills: catalog.skills, profiles: catalog.profiles)
        selector.relativeCutoff = 0.05  // keep many candidates so that stage 2 runs
        let stageOne = try selector.select(for: task)
        selector.ranker = { _, candidates in
            #expect(candidates.count > 10)
            return ["docs-changelog-entry", "no-such-skill", "deploy-staging"]
        }
        let ranked = try selector.select(for: task)
        #expect(ranked.prefix(2).map(\.skill.id) == ["docs-changelog-entry", "deploy-staging"])
        #expect(ranked[0].reason == "ranked by model")
        #expect(ranked.map(\.skill.id) != stageOne.map(\.skill.id))
        // A ranker that cannot answer leaves stage 1's order: the deterministic fallback.
        selector.ranker = { _, _ in nil }
        #expect(try selector.select(for: task).map(\.skill.id) == stageOne.map(\.skill.id))
    }

    @Test func fewCandidatesNeverAskTheRanker() throws {
        let catalog = shippedCatalog()
        var selector = SkillSelector(skills: catalog.skills, profiles: catalog.profiles)
        selector.ranker = { _, _ in
            Issue.record("asked with few candidates")
            return nil
        }
        _ = try selector.select(for: "Rename UserService to AccountService everywhere")
    }
}
