/// How many candidates the merge queue tests at once when `orch.queue.parallel` is not set.
///
/// One lane per core while nothing is known, or when the test runs keep their cores busy. A test
/// command that mostly waits (a sleep, a network call, a database) leaves its core idle: then the
/// lanes grow to fill the cores (cores / the share of a core one run used), up to `maximum`, since
/// beyond a few lanes speculation wastes more runs than it saves.
public enum QueueLanes {
    /// The most lanes chosen automatically on a machine with up to 4 cores.
    public static let smallMachineMaximum = 4

    /// - Parameters:
    ///   - cores: the machine's cores.
    ///   - coreShare: CPU seconds the test runs used per second of one run's wall time (1: one
    ///     full core), measured over the previous rounds; nil before the first round.
    public static func count(cores: Int, coreShare: Double?) -> Int {
        let cores = max(1, cores)
        let maximum = max(smallMachineMaximum, cores)
        guard let coreShare, coreShare.isFinite, coreShare >= 0 else { return cores }
        let fitting = Double(cores) / max(coreShare, 1.0 / Double(maximum))
        return min(maximum, max(cores, Int(fitting.rounded(.down))))
    }
}
