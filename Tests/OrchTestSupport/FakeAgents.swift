import Foundation
public import ProcessKit

/// The fake agent CLIs (`Tests/Fixtures/fake-agent` behind symlinks named `claude`, `codex`,
/// `aider`) on a PATH of their own, with a log of every run.
public final class FakeAgents: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public var bin: String { directory.path + "/bin" }
    /// One JSON line per agent run (cli, argv, cwd, prompt, session_id, resumed, model).
    public var logPath: String { directory.path + "/runs.jsonl" }
    public var statePath: String { directory.path + "/state" }

    public static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fake-agent").path

    public init() throws {
        directory = TemporaryDirectory("git-orch-agents")
        try FileManager.default.createDirectory(atPath: directory.path + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: statePath, withIntermediateDirectories: true)
        for name in ["claude", "codex", "aider"] {
            try FileManager.default.createSymbolicLink(atPath: bin + "/" + name, withDestinationPath: Self.fixture)
        }
    }

    /// The environment for `git orch start`: fake agents first on PATH, and the built binaries.
    /// The fake agent logs its runs outside its worktree, which the sandbox forbids, so these
    /// runs are unconfined (`orch.sandbox off` through git's environment configuration, which
    /// outranks the repository's); SandboxTests confine theirs with `confinedEnvironment`.
    public var environment: [String: String] {
        confinedEnvironment.merging([
            "FAKE_AGENT_LOG": logPath,
            "FAKE_AGENT_STATE": statePath,
            // The fake claude does not mind root, but the preflight does for the claude preset
            // (--dangerously-skip-permissions) when unconfined: these tests say the machine is a sandbox.
            "IS_SANDBOX": "1",
            "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "orch.sandbox", "GIT_CONFIG_VALUE_0": "off",
        ]) { $1 }
    }

    /// Fake agents first on PATH, and the built binaries; nothing logged outside the worktree.
    public var confinedEnvironment: [String: String] {
        let binaries = URL(fileURLWithPath: OrchBinary.path).deletingLastPathComponent().path
        return ["PATH": "\(bin):\(binaries):" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    }

    /// The logged runs, in order.
    public func runs() -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: logPath) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
    }
}

/// A `git orch start` running in the background, for tests that poke at it while it works.
public final class BackgroundSupervisor: @unchecked Sendable {
    public let process: ChildProcess
    private let output: CollectedOutput

    public init(_ arguments: [String], in directory: String, environment: [String: String]) throws {
        output = try CollectedOutput()
        let identity = ["GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "test@example.com",
                        "GIT_COMMITTER_NAME": "Test Author", "GIT_COMMITTER_EMAIL": "test@example.com"]
        process = try ChildProcess(OrchBinary.path, arguments, in: directory, environment: environment.merging(identity) { $1 }, output: output)
    }

    public var pid: Int32 { process.pid }

    /// Its standard output and error so far.
    public var text: String { output.text }

    /// Waits for the process to end (at most `timeout` seconds); returns its status or nil.
    public func wait(timeout: Double) -> Int32? { process.wait(timeout: timeout) }

    deinit { process.kill() }
}

/// Polls `condition` every 50 ms until it holds or `timeout` seconds pass.
public func eventually(timeout: Double = 20, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(50_000)
    }
    return try condition()
}

/// Processes whose working directory is `path` or inside it (workers run in the repository,
/// agents in the worktrees under `.git/orch/`): what must be gone when a team is gone.
public func processes(under path: String) -> [Int32] {
    let root = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    let me = getpid()
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
    return entries.compactMap(Int32.init).filter { pid in
        guard pid != me, let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd") else { return false }
        // A zombie has no cwd to read; anything readable here is alive.
        return cwd == root || cwd.hasPrefix(root + "/")
    }
}
