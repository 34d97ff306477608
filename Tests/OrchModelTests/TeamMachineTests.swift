import OrchModel
import Testing

@Suite struct TeamMachineTests {
    let start = Timestamp(microseconds: 1_800_000_000_000_000)

    func at(_ seconds: Double) -> Timestamp { start.adding(microseconds: Int64(seconds * 1_000_000)) }

    @Test func theQueueLeaseIsTakenWhenFreeRenewedByItsHolderAndTakenOverOnlyAfterItExpires() throws {
        let first = try #require(QueueLease.decide(current: nil, machine: "alpha", host: "a", pid: 1, now: at(0), seconds: 30))
        #expect(first.holder == "alpha" && first.expires == at(30).iso8601)
        // Another machine asking while it is valid changes nothing.
        #expect(QueueLease.decide(current: first, machine: "beta", host: "b", pid: 2, now: at(29), seconds: 30) == first)
        // The holder renews it (and keeps when it first took it).
        let renewed = try #require(QueueLease.decide(current: first, machine: "alpha", host: "a", pid: 1, now: at(20), seconds: 30))
        #expect(renewed.expires == at(50).iso8601 && renewed.acquired == first.acquired)
        #expect(QueueLease.decide(current: renewed, machine: "beta", host: "b", pid: 2, now: at(49), seconds: 30)?.holder == "alpha")
        // Expired: the next machine to ask takes it.
        let taken = try #require(QueueLease.decide(current: renewed, machine: "beta", host: "b", pid: 2, now: at(51), seconds: 30))
        #expect(taken.holder == "beta" && taken.pid == 2 && taken.acquired == at(51).iso8601)
    }

    @Test func aMachineIsGoneWhenItsHeartbeatIsOlderThanTheLeaseOrItStopped() {
        let record = MachineRecord(machine: "alpha", host: "a", pid: 1, heartbeat: at(0), workers: ["indigo"])
        #expect(!record.isGone(at: at(29.9), afterSeconds: 30))
        #expect(record.isGone(at: at(30.1), afterSeconds: 30))
        var stopped = record
        stopped.stopped = true
        #expect(stopped.isGone(at: at(1), afterSeconds: 30))
        var garbled = record
        garbled.heartbeat = "yesterday"
        #expect(garbled.isGone(at: at(1), afterSeconds: 30))
    }
}
