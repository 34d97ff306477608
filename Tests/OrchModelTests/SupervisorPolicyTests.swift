import OrchModel
import OrchTestSupport
import Testing

/// The supervisor's rules on a manual clock: restarts back off and the breaker opens, silence
/// counts as stuck only after the heartbeats allow (longer at start-up), `--until-done` settles
/// only when the team is quiet, and autoscale grows and shrinks one step at a time.
struct SupervisorPolicyTests {
    let policy = SupervisorPolicy(heartbeatSeconds: 2, missedHeartbeats: 3, breakerFailures: 4, pollSeconds: 1,
                                  autoscaleMax: 4, autoscaleMin: 1, idleStopSeconds: 30)

    @Test func crashesBackOffExponentiallyUpToThirtySecondsThenTheBreakerOpens() {
        let clock = ManualClock()
        let delays = (1...3).map { crashes -> Double? in
            guard case .restart(let at) = policy.afterCrash(crashesInARow: crashes, now: clock.now) else { return nil }
            return at.seconds(since: clock.now)
        }
        #expect(delays == [1, 2, 4])
        var patient = policy
        patient.breakerFailures = 100
        guard case .restart(let at) = patient.afterCrash(crashesInARow: 9, now: clock.now) else { Issue.record("restart expected"); return }
        #expect(at.seconds(since: clock.now) == 30)
        #expect(policy.afterCrash(crashesInARow: 4, now: clock.now) == .offline(reason: "crashed 4 times in a row"))
    }

    @Test func aSilentWorkerIsStuckAfterItsMissedHeartbeatsAndAStartingOneAfterAMinute() {
        var clock = ManualClock()
        let heard = clock.now
        clock.advance(7)  // 3 heartbeats of 2 s, plus 1 s of slack
        #expect(!policy.isStuck(lastHeard: heard, heardSinceSpawn: true, now: clock.now))
        clock.advance(0.5)
        #expect(policy.isStuck(lastHeard: heard, heardSinceSpawn: true, now: clock.now))
        // Never heard since it was spawned: it is still starting (a worktree, the catalog).
        #expect(!policy.isStuck(lastHeard: heard, heardSinceSpawn: false, now: clock.now))
        clock.advance(53)
        #expect(policy.isStuck(lastHeard: heard, heardSinceSpawn: false, now: clock.now))
    }

    @Test func theTeamSettlesWhenQuietAtOnceWithNothingReadyAndAfterAFewPollsWithWorkNobodyTakes() {
        var clock = ManualClock()
        let busy = SupervisorPolicy.TeamMoment(workClaimed: true, queueRunning: false, workersQuiet: true, readyTasks: 0)
        #expect(policy.settled(busy, quietSince: clock.now, now: clock.now) == .notYet(quietSince: nil))
        let merging = SupervisorPolicy.TeamMoment(workClaimed: false, queueRunning: true, workersQuiet: true, readyTasks: 0)
        #expect(policy.settled(merging, quietSince: nil, now: clock.now) == .notYet(quietSince: nil))
        let finished = SupervisorPolicy.TeamMoment(workClaimed: false, queueRunning: false, workersQuiet: true, readyTasks: 0)
        #expect(policy.settled(finished, quietSince: nil, now: clock.now) == .settled)

        // Ready tasks but quiet workers (budget, roles, offline): settled after 3 s, not before.
        let stranded = SupervisorPolicy.TeamMoment(workClaimed: false, queueRunning: false, workersQuiet: true, readyTasks: 2)
        let since = clock.now
        #expect(policy.settled(stranded, quietSince: nil, now: clock.now) == .notYet(quietSince: since))
        clock.advance(3)
        #expect(policy.settled(stranded, quietSince: since, now: clock.now) == .notYet(quietSince: since))
        clock.advance(0.1)
        #expect(policy.settled(stranded, quietSince: since, now: clock.now) == .settled)
    }

    @Test func autoscaleGrowsForReadyWorkAndStopsTheLongestIdleWorkerOneStepAtATime() {
        var clock = ManualClock()
        let lastChange = clock.now
        let one = [SupervisorPolicy.LiveWorker(name: "indigo")]
        // Within 2 s of the last change nothing moves.
        #expect(policy.scale(live: one, readyTasks: 5, lastChange: lastChange, now: clock.advance(1)) == .keep)
        #expect(policy.scale(live: one, readyTasks: 5, lastChange: lastChange, now: clock.advance(1.5)) == .grow)
        // A starting worker counts as taking a ready task; at the maximum nothing grows.
        let starting = one + [SupervisorPolicy.LiveWorker(name: "emerald", starting: true)]
        #expect(policy.scale(live: starting, readyTasks: 1, lastChange: lastChange, now: clock.now) == .keep)
        let full = (0..<4).map { SupervisorPolicy.LiveWorker(name: "w\($0)") }
        #expect(policy.scale(live: full, readyTasks: 9, lastChange: lastChange, now: clock.now) == .keep)

        // Idle longer than orch.idleStopSeconds: stopped, down to orch.autoscaleMin.
        let idleSince = clock.now
        let idle = [SupervisorPolicy.LiveWorker(name: "indigo", idleSince: idleSince), SupervisorPolicy.LiveWorker(name: "emerald", idleSince: idleSince)]
        #expect(policy.scale(live: idle, readyTasks: 0, lastChange: lastChange, now: clock.advance(30)) == .keep)
        #expect(policy.scale(live: idle, readyTasks: 0, lastChange: lastChange, now: clock.advance(1)) == .stop(worker: "emerald", idleSeconds: 30))
        #expect(policy.scale(live: [idle[0]], readyTasks: 0, lastChange: lastChange, now: clock.now) == .keep)
    }
}
