@testable import OrchRuntime
import Testing

/// A live machine taken for dead runs its tasks twice: the machine timeout outlasts the lease.
@Suite struct TeamSyncSettingsTests {
    @Test func aMachineIsGoneAfterThreeLeasesUnlessConfigured() throws {
        let defaults = try TeamSync.settings(RuntimeConfig(), mergeQueue: true)
        #expect(defaults.leaseSeconds == 30)
        #expect(defaults.machineTimeoutSeconds == 90)
        #expect(defaults.beatSeconds == 10)
        let shortLease = try TeamSync.settings(RuntimeConfig(values: ["orch.leaseSeconds": ["6"]]), mergeQueue: true)
        #expect(shortLease.machineTimeoutSeconds == 18)
        let configured = try TeamSync.settings(
            RuntimeConfig(values: ["orch.leaseSeconds": ["30"], "orch.machineTimeoutSeconds": ["12"]]), mergeQueue: false)
        #expect(configured.machineTimeoutSeconds == 12)
        // Three heartbeats within the shorter period, so one late beat never makes a machine gone.
        #expect(configured.beatSeconds == 4)
    }

    @Test func anUnreadableTimeoutIsAnErrorNamingTheKey() {
        #expect {
            try TeamSync.settings(RuntimeConfig(values: ["orch.machineTimeoutSeconds": ["soon"]]), mergeQueue: false)
        } throws: { error in
            "\(error)".contains("orch.machineTimeoutSeconds")
        }
    }
}
