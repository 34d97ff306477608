import Foundation
import ProcessKit

/// The real agent CLIs, as the PyPI packages in Tests/Dependencies/requirements.txt install them:
/// Claude Code bundled in `claude-agent-sdk`, the Codex CLI in `openai-codex-cli-bin`, and aider
/// (`aider-chat`). `bin` holds symlinks named `claude`, `codex` and `aider` for a test's PATH;
/// the model behind each is a stand-in server (StandInModel).
public final class RealAgents: @unchecked Sendable {
    /// The virtual environment `./install.sh --test-deps` installs them into
    /// (Tests/Dependencies/agent-requirements.txt).
    public static let environment = ProcessInfo.processInfo.environment["GIT_ORCH_TEST_AGENTS"]
        ?? (NSHomeDirectory() + "/.cache/git-orch/test-agents")

    /// Where each CLI is installed, found once: in their environment, else in `python3`'s.
    public static let located: [String: String] = {
        var paths: [String: String] = [:]
        for python in [environment + "/bin/python3", "python3"] {
            paths.merge(locate(with: python)) { first, _ in first }
        }
        return paths
    }()

    private static func locate(with python: String) -> [String: String] {
        let script = """
        import importlib.util, os, sysconfig
        def package(name):
            try:
                spec = importlib.util.find_spec(name)
            except Exception:
                return None
            return os.path.dirname(spec.origin) if spec and spec.origin else None
        found = {"claude": (package("claude_agent_sdk"), "_bundled/claude"), "codex": (package("codex_cli_bin"), "bin/codex")}
        for name, (root, tail) in found.items():
            print(name, os.path.join(root, tail) if root else "")
        print("aider", os.path.join(sysconfig.get_path("scripts"), "aider"))
        """
        guard let result = try? Run.process("/usr/bin/env", [python, "-c", script], in: "/"), result.status == 0 else { return [:] }
        var paths: [String: String] = [:]
        for line in result.stdoutLines {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            if parts.count == 2, FileManager.default.isExecutableFile(atPath: parts[1]) { paths[parts[0]] = parts[1] }
        }
        return paths
    }

    public static let claude = dependency("claude", package: "claude-agent-sdk")
    public static let codex = dependency("codex", package: "openai-codex-cli-bin")
    public static let aider = dependency("aider", package: "aider-chat")

    private static func dependency(_ name: String, package: String) -> TestDependency {
        TestDependency(description: "\(name) (pip package \(package))", isPresent: located[name] != nil)
    }

    public let directory: TemporaryDirectory
    public var bin: String { directory.path + "/bin" }

    /// A bin directory with the named CLIs (those installed) under their own names.
    public init(_ names: [String] = ["claude", "codex", "aider"]) throws {
        directory = TemporaryDirectory("git-orch-real-agents")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        for name in names {
            guard let target = Self.located[name] else { continue }
            try FileManager.default.createSymbolicLink(atPath: bin + "/" + name, withDestinationPath: target)
        }
    }

    /// PATH for `git orch start`: these CLIs first, then the built git-orch binaries, then the
    /// rest of ours (git, python3).
    public var path: String {
        let binaries = URL(fileURLWithPath: OrchBinary.path).deletingLastPathComponent().path
        return "\(bin):\(binaries):" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    }
}

/// A stand-in model server from Tests/Fixtures/model-servers on a loopback port of its own,
/// logging every request; stopped when this object goes (and by itself after its lifetime).
public final class StandInModel: @unchecked Sendable {
    public enum API: String, Sendable {
        case anthropicMessages = "anthropic_messages.py"
        case openAIResponses = "openai_responses.py"
        case openAIChat = "openai_chat.py"
    }

    public static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/model-servers").path

    public let port: Int
    public let logPath: String
    private let process: ChildProcess
    private let folder: TemporaryDirectory

    public init(_ api: API, lifetimeSeconds: Int = 600) throws {
        folder = TemporaryDirectory("git-orch-stand-in")
        logPath = folder.path + "/requests.jsonl"
        let portFile = folder.path + "/port"
        var options = ProcessSpawner.Options()
        (options.stdin, options.stdout, options.stderr) = (.null, .null, .null)
        process = try ChildProcess("/usr/bin/env", ["python3", Self.directory + "/" + api.rawValue, "--port-file", portFile, "--log", logPath,
                                                    "--lifetime", String(lifetimeSeconds)], options)
        let deadline = Date().addingTimeInterval(20)
        var found: Int?
        while found == nil && Date() < deadline && process.isRunning {
            found = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if found == nil { usleep(20_000) }
        }
        guard let found else {
            process.kill()
            throw StandInFailure(description: "the stand-in model \(api.rawValue) did not start listening within 20 s")
        }
        port = found
    }

    /// `http://127.0.0.1:PORT`
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Every request so far: method, path, headers (those of interest), body.
    public func requests() -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: logPath) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
    }

    deinit { process.kill() }
}

public struct StandInFailure: Error, CustomStringConvertible {
    public let description: String
}
