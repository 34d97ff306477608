public import Foundation

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
    public var environment: [String: String] {
        let binaries = URL(fileURLWithPath: OrchBinary.path).deletingLastPathComponent().path
        return [
            "PATH": "\(bin):\(binaries):" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            "FAKE_AGENT_LOG": logPath,
            "FAKE_AGENT_STATE": statePath,
            // As root (CI containers), claude refuses --dangerously-skip-permissions unless told it
            // is in a sandbox; git orch start checks that first, as for the real claude.
            "IS_SANDBOX": "1",
        ]
    }

    /// The logged runs, in order.
    public func runs() -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: logPath) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
    }
}

/// A `git orch start` running in the background, for tests that poke at it while it works.
public final class BackgroundSupervisor: @unchecked Sendable {
    public let process = Process()
    private let output = Pipe()
    private let collected = Collected()

    private final class Collected: @unchecked Sendable {
        let lock = NSLock()
        var data = Data()
    }

    public init(_ arguments: [String], in directory: String, environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: OrchBinary.path)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        merged["GIT_AUTHOR_NAME"] = "Test Author"
        merged["GIT_AUTHOR_EMAIL"] = "test@example.com"
        merged["GIT_COMMITTER_NAME"] = "Test Author"
        merged["GIT_COMMITTER_EMAIL"] = "test@example.com"
        process.environment = merged
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        let collected = self.collected
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            collected.lock.lock()
            collected.data.append(data)
            collected.lock.unlock()
        }
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }

    public var text: String {
        collected.lock.lock()
        defer { collected.lock.unlock() }
        return String(decoding: collected.data, as: UTF8.self)
    }

    /// Waits for the process to end (at most `timeout` seconds); returns its status or nil.
    public func wait(timeout: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
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
