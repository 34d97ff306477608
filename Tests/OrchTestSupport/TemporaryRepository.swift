public import Foundation
public import GitKit
import ProcessKit

/// A directory under the system temp folder, removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init(_ label: String = "git-orch") {
        let template = NSTemporaryDirectory() + "\(label)-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard mkdtemp(&bytes) != nil else { fatalError("mkdtemp failed for \(template)") }
        path = String(decoding: bytes.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    public func file(_ name: String) -> String { path + "/" + name }
}

/// What a child process printed and how it ended.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
    public var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
}

/// Runs real programs: the git CLI and the built `git-orch` binary.
public enum Run {
    /// Runs `executable` with `arguments` in `directory`; never through a shell.
    @discardableResult
    public static func process(
        _ executable: String, _ arguments: [String], in directory: String, input: Data? = nil,
        environment extra: [String: String] = [:]
    ) throws -> ProcessResult {
        var environment = [
            "GIT_AUTHOR_NAME": "Test Author", "GIT_AUTHOR_EMAIL": "test@example.com",
            "GIT_COMMITTER_NAME": "Test Author", "GIT_COMMITTER_EMAIL": "test@example.com",
            "GIT_CONFIG_NOSYSTEM": "1",
        ]
        for (key, value) in extra { environment[key] = value }
        let result = try Subprocess.run(executable, arguments, in: directory, input: input.map(Array.init) ?? [], environment: environment)
        return ProcessResult(status: result.status, stdout: result.output, stderr: result.errorOutput)
    }

    /// Runs the git CLI; throws when it fails.
    @discardableResult
    public static func git(_ arguments: [String], in directory: String, input: Data? = nil) throws -> String {
        let result = try process("/usr/bin/git", arguments, in: directory, input: input)
        guard result.status == 0 else {
            throw GitCLIFailure(arguments: arguments, status: result.status, stderr: result.stderr)
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs the built `git-orch` binary.
    @discardableResult
    public static func orch(_ arguments: [String], in directory: String, input: String? = nil, environment: [String: String] = [:]) throws -> ProcessResult {
        try process(OrchBinary.path, arguments, in: directory, input: input.map { Data($0.utf8) }, environment: environment)
    }
}

public struct GitCLIFailure: Error, CustomStringConvertible {
    public var arguments: [String]
    public var status: Int32
    public var stderr: String
    public var description: String { "git \(arguments.joined(separator: " ")) exited \(status): \(stderr)" }

    public init(arguments: [String], status: Int32, stderr: String) {
        self.arguments = arguments
        self.status = status
        self.stderr = stderr
    }
}

/// Where the `git-orch` binary built with the tests is.
public enum OrchBinary {
    public static let path: String = {
        if let explicit = ProcessInfo.processInfo.environment["GIT_ORCH_BIN"] { return explicit }
        // The test bundle sits in the build products folder next to the executables.
        var candidates: [String] = []
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent("git-orch").path)
            folder = folder.deletingLastPathComponent()
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug/git-orch").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }()
}

/// A fresh git repository (with one commit on main) in a temp folder.
public final class TemporaryRepository: @unchecked Sendable {
    public let directory: TemporaryDirectory
    public var path: String { directory.path }

    public init(initialCommit: Bool = true) throws {
        directory = TemporaryDirectory("git-orch-repo")
        try Run.git(["init", "-q", "-b", "main", "."], in: directory.path)
        if initialCommit {
            try "hello\n".write(toFile: directory.file("README.md"), atomically: true, encoding: .utf8)
            try Run.git(["add", "README.md"], in: directory.path)
            try Run.git(["commit", "-q", "-m", "initial"], in: directory.path)
        }
    }

    public func open() throws -> Repository { try Repository.open(at: path) }

    @discardableResult
    public func git(_ arguments: String...) throws -> String { try Run.git(arguments, in: path) }

    @discardableResult
    public func orch(_ arguments: String..., input: String? = nil) throws -> ProcessResult {
        try Run.orch(arguments, in: path, input: input)
    }
}
