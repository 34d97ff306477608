import Foundation
import OrchTestSupport
import Testing

/// Failures of the agent's environment never spend a task's attempts; released tasks start over.
@Suite(.serialized) struct EnvironmentFailureTests {
    @Test func anAgentThatFailsTwiceWithoutReachingItsModelTakesTheWorkerOfflineAndKeepsTheTaskReady() throws {
        let team = try TeamFixture()
        // The fake codex fails with a turn.failed event and no usage: no model call was made.
        try team.importTasks([["title": "never reaches the model", "body": "@fake fail stream disconnected before completion"]])
        let run = try team.orch("start", "--workers", "1", "--until-done", "--agent", "codex")
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        #expect(team.agents.runs().count == 2, "tried twice, the same way")
        let offline = try #require(team.events("worker-offline").last?["message"] as? String)
        #expect(offline == "agent codex cannot run: stream disconnected before completion", "\(offline)")
        let released = team.events("task-released").compactMap { $0["message"] as? String }
        #expect(released.count == 2 && released.allSatisfy { $0.contains("attempt not counted") }, "\(released)")
        #expect(team.events("task-failed").isEmpty)
        let list = try JSONSerialization.jsonObject(with: Data(try team.orch("task", "list", "--json").stdout.utf8)) as! [[String: Any]]
        #expect(list.first?["status"] as? String == "open")
        #expect(list.first?["attempts"] as? Int == 0)
    }

    @Test func aReleasedTaskThatHadFailedForGoodStartsAgainAtAttemptOne() throws {
        let team = try TeamFixture()
        try team.repo.git("config", "orch.maxAttempts", "2")
        // The fake claude reports its usage with the failure: real attempts, counted.
        try team.importTasks([["title": "flaky", "body": "@fake fail-times 2 flaky\n@fake write flaky.txt ok"]])
        let first = try team.orch("start", "--workers", "1", "--until-done")
        #expect(first.status == 1, "\(first.stdout)\(first.stderr)")
        let failed = team.events("task-failed").compactMap { $0["message"] as? String }
        #expect(failed.last?.hasSuffix("(attempt 2 of 2; failed for good)") == true, "\(failed)")
        let id = try #require((try JSONSerialization.jsonObject(with: Data(try team.orch("task", "list", "--json").stdout.utf8)) as? [[String: Any]])?.first?["id"] as? String)
        #expect(try team.orch("task", "release", id).status == 0)
        #expect(try team.orch("task", "show", id).stdout.contains("attempts: 0"))
        let again = try team.orch("start", "--workers", "1", "--until-done")
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(try team.taskStates() == ["flaky": "done"])
        let prompts = team.agents.runs().compactMap { $0["prompt"] as? String }
        #expect(prompts.count == 3)
        #expect(prompts.last?.contains("Attempt: 1") == true, "the released task's next try is attempt 1")
    }
}
