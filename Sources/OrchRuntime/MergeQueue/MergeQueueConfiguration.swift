import Foundation
public import GitKit
import OrchModel
import OrchStore

/// How the merge queue runs, read from git config with defaults.
public struct MergeQueueConfiguration: Sendable, Equatable {
    /// The protected branch (short name, e.g. `main`).
    public var mainBranch: String
    /// The shell command that tests a tree, run with `/bin/sh -c` in the scratch worktree;
    /// nil when none is configured (the queue then refuses to run: it never merges untested).
    public var testCommand: String?
    /// Entries merged together into one candidate; nil: adaptive, from the recent failure rate
    /// (`QueuePlanner.adaptiveBatchSize`).
    public var batchSize: Int?
    /// Extra runs of a failing test command before the candidate counts as red (flaky tests).
    public var retries: Int
    /// Bytes of the test output kept in the note.
    public var logTailBytes: Int
    /// Candidates tested at once, each built on the one before as if it passed (speculation);
    /// bounded by the number of cores. 1: one candidate at a time. nil: automatic
    /// (`QueueLanes.count`: one lane per core, more when the test runs leave the cores idle).
    public var parallelism: Int?
    /// A test run longer than this is stopped and counts as failed (exit status 124); 0: no limit.
    public var timeoutSeconds: Int
    /// A rejected task goes back to open until it has been tried this often, then fails
    /// (`orch.maxAttempts`, shared with the workers' own retries).
    public var maxAttempts = 3
    /// Rejections for conflicts after which a task starts over from main instead of its agent
    /// resolving the conflicts on its branch (`orch.conflictRetries`, see `ConflictRetryPolicy`).
    public var conflictRetries = ConflictRetryPolicy.defaultRetries

    public init(
        mainBranch: String, testCommand: String?, batchSize: Int? = nil, retries: Int = 0, logTailBytes: Int = 4000, timeoutSeconds: Int = 0,
        parallelism: Int? = nil
    ) {
        self.mainBranch = mainBranch
        self.testCommand = testCommand
        self.batchSize = batchSize.map { max(1, $0) }
        self.retries = max(0, retries)
        self.logTailBytes = max(0, logTailBytes)
        self.timeoutSeconds = max(0, timeoutSeconds)
        self.parallelism = parallelism.map { max(1, $0) }
    }

    public var mainRef: String { "refs/heads/" + mainBranch }

    /// `orch.mainBranch` (default: see `ProtectedBranch`), `orch.testCommand` (else
    /// `fallbackTestCommand`, e.g. the mission's), `orch.queue.batchSize` (default: adaptive),
    /// `orch.queue.retries` (default 0), `orch.queue.timeoutSeconds` (default 0: none),
    /// `orch.queue.parallel` (default: automatic).
    public static func load(from repository: Repository, fallbackTestCommand: String? = nil) -> MergeQueueConfiguration {
        func string(_ key: String) -> String? {
            // Kept non-throwing for `MergeQueue.init` and Worker/Worktrees (no error path there
            // yet). libgit2 parsed this config when the repository was opened, and `git orch
            // start` reads it first through `RuntimeConfig.read`, which fails when git cannot.
            guard let value = try? repository.configString(key), !value.isEmpty else { return nil }
            return value
        }
        var configuration = MergeQueueConfiguration(
            mainBranch: ProtectedBranch.name(in: repository),
            // A mission's test command reaches the queue runner through the environment.
            testCommand: string("orch.testCommand") ?? fallbackTestCommand
                ?? ProcessInfo.processInfo.environment["GIT_ORCH_TEST_COMMAND"].flatMap { $0.isEmpty ? nil : $0 },
            batchSize: string("orch.queue.batchSize").flatMap { Int($0) },
            retries: string("orch.queue.retries").flatMap { Int($0) } ?? 0,
            timeoutSeconds: string("orch.queue.timeoutSeconds").flatMap { Int($0) } ?? 0,
            parallelism: string("orch.queue.parallel").flatMap { Int($0) })
        configuration.maxAttempts = max(1, string("orch.maxAttempts").flatMap { Int($0) } ?? 3)
        configuration.conflictRetries = max(0, string("orch.conflictRetries").flatMap { Int($0) } ?? ConflictRetryPolicy.defaultRetries)
        return configuration
    }
}
