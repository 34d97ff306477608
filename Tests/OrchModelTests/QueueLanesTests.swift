import OrchModel
import Testing

@Suite struct QueueLanesTests {
    @Test func oneLanePerCoreUntilTheTestsShowIdleCores() {
        #expect(QueueLanes.count(cores: 2, coreShare: nil) == 2)
        #expect(QueueLanes.count(cores: 2, coreShare: 1.0) == 2)  // busy tests: a core each
        #expect(QueueLanes.count(cores: 2, coreShare: 2.0) == 2)  // never fewer than the cores
        #expect(QueueLanes.count(cores: 2, coreShare: 0.7) == 2)
        #expect(QueueLanes.count(cores: 2, coreShare: 0.5) == 4)
        #expect(QueueLanes.count(cores: 2, coreShare: 0.01) == 4)  // sleeping tests: up to the maximum
        #expect(QueueLanes.count(cores: 16, coreShare: 0.01) == 16)
        #expect(QueueLanes.count(cores: 1, coreShare: 0.3) == 3)
    }
}
