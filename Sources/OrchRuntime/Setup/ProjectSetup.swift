#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ProcessKit

/// What a new worktree needs before an agent works in it or the queue tests in it: untracked
/// files copied from the user's checkout (`orch.copyFiles`, e.g. `.env`), then the project's setup
/// command (`orch.setupCommand`, e.g. `npm ci`), run once per worktree. Each worker and each
/// queue test lane also gets its own range of ports (`orch.portBase`, `orch.portRange`).
///
/// A mission can bring these too (its `setupCommand`, `copyFiles`, `portRange`): `start --mission`
/// passes them in the environment (`GIT_ORCH_SETUP_COMMAND`, `GIT_ORCH_COPY_FILES`,
/// `GIT_ORCH_PORT_RANGE`), below git config, as it does the mission's test command.
public struct ProjectSetup: Sendable, Equatable {
    public var setupCommand: String?
    /// Globs relative to the user's checkout (`fnmatch`, `*` does not cross `/`; `**/` any depth).
    public var copyFiles: [String]
    public var portBase: Int
    public var portRange: Int

    public init(setupCommand: String? = nil, copyFiles: [String] = [], portBase: Int = 20_000, portRange: Int = 10) {
        self.setupCommand = setupCommand
        self.copyFiles = copyFiles
        self.portBase = portBase
        self.portRange = portRange
    }

    /// The marker in a worktree's own git directory that says its setup ran and passed.
    static let markerName = "orch-setup-done"

    public static func load(_ config: RuntimeConfig, environment: [String: String]? = nil) throws(RuntimeError) -> ProjectSetup {
        let environment = environment ?? ProcessInfo.processInfo.environment
        func nonEmpty(_ value: String?) -> String? { value.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 } }
        var setup = ProjectSetup()
        setup.setupCommand = nonEmpty(config.string("orch.setupCommand")) ?? nonEmpty(environment["GIT_ORCH_SETUP_COMMAND"])
        let configured = config.all("orch.copyFiles").filter { !$0.isEmpty }
        setup.copyFiles = !configured.isEmpty ? configured
            : (environment["GIT_ORCH_COPY_FILES"] ?? "").split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        for glob in setup.copyFiles where glob.hasPrefix("/") || glob.split(separator: "/").contains("..") {
            throw .config("orch.copyFiles", "'\(glob)' must be a path inside the repository (relative, no '..')")
        }
        setup.portBase = Int(try config.number("orch.portBase", default: 20_000, range: 1024...65_000))
        let missionRange = environment["GIT_ORCH_PORT_RANGE"].flatMap { Int($0) }
        setup.portRange = Int(try config.number("orch.portRange", default: Double(missionRange ?? 10), range: 1...1000))
        return setup
    }

    /// The environment a worktree's processes get for port slot `slot`.
    public func portEnvironment(slot: Int) -> [String: String] {
        ["GIT_ORCH_PORT": String(portBase + slot * portRange), "GIT_ORCH_PORT_COUNT": String(portRange)]
    }

    /// Whether the worktree whose git directory is `gitDirectory` was prepared (or needs nothing).
    func isPrepared(gitDirectory: String) -> Bool {
        FileManager.default.fileExists(atPath: gitDirectory + "/" + Self.markerName)
    }

    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var worktree: String
        public var message: String
        public var description: String { "project setup in \(worktree) failed: \(message)" }
    }

    /// What preparing did, for the caller's event.
    public struct Prepared: Equatable {
        public var copied: [String] = []
        public var ranSetup = false
        public var seconds = 0.0
    }

    /// Prepares a worktree once: copies `copyFiles` from `source` (files not already there), runs
    /// the setup command with `environment`, then writes the marker. Nil when it was prepared
    /// already. A failing setup throws with the command's last lines; the worktree stays
    /// unprepared, so the next start tries again.
    func prepare(worktree: String, gitDirectory: String, from source: String, environment: [String: String]) throws(Failure) -> Prepared? {
        guard !isPrepared(gitDirectory: gitDirectory) else { return nil }
        let start = Date()
        var prepared = Prepared()
        prepared.copied = try copyFiles(from: source, to: worktree)
        if let command = setupCommand {
            let result: Subprocess.Result
            do {
                // The configured command is the only text given to the shell.
                result = try Subprocess.run("/bin/sh", ["-c", command], in: worktree, environment: environment)
            } catch {
                throw Failure(worktree: worktree, message: error.description)
            }
            guard result.status == 0 else {
                let lines = (result.output + result.errorOutput).split(separator: "\n").suffix(5).joined(separator: "\n")
                throw Failure(worktree: worktree, message: "'\(command)' exited \(result.status)" + (lines.isEmpty ? "" : ":\n" + lines))
            }
            prepared.ranSetup = true
        }
        let marker = gitDirectory + "/" + Self.markerName
        guard FileManager.default.createFile(atPath: marker, contents: Data((setupCommand ?? "") .utf8)) else {
            throw Failure(worktree: worktree, message: "cannot write \(marker)")
        }
        prepared.seconds = Date().timeIntervalSince(start)
        return prepared
    }

    /// Copies the files of `source` matching `copyFiles` that are not tracked in git there (secrets,
    /// local settings) into `destination`, keeping any the destination already has.
    func copyFiles(from source: String, to destination: String) throws(Failure) -> [String] {
        guard !copyFiles.isEmpty else { return [] }
        // Untracked files, ignored ones included (a .env is usually ignored). Wholly untracked
        // folders come as one entry (`node_modules/`, not its 100,000 files) and are listed file
        // by file only when a glob may reach inside.
        func untracked(_ arguments: [String]) throws(Failure) -> [String] {
            let listed: Subprocess.Result
            do { listed = try Subprocess.run("git", ["ls-files", "-z", "--others"] + arguments, in: source) } catch {
                throw Failure(worktree: destination, message: error.description)
            }
            guard listed.status == 0 else { throw Failure(worktree: destination, message: "git ls-files in \(source) failed") }
            return listed.stdout.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        }
        var candidates: [String] = []
        for entry in try untracked(["--directory"]) {
            if entry.hasSuffix("/"), copyFiles.contains(where: { $0.hasPrefix(entry) || $0.hasPrefix("**/") }) {
                candidates += try untracked(["--", entry])
            } else {
                candidates.append(entry)
            }
        }
        var copied: [String] = []
        for path in candidates where copyFiles.contains(where: { Self.matches($0, path) }) {
            let target = destination + "/" + path
            guard !FileManager.default.fileExists(atPath: target) else { continue }
            do {
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true, attributes: nil)
                try FileManager.default.copyItem(atPath: source + "/" + path, toPath: target)
            } catch {
                throw Failure(worktree: destination, message: "cannot copy \(path): \(error.localizedDescription)")
            }
            copied.append(path)
        }
        return copied
    }

    /// `glob` matches `path` (relative): whole-path fnmatch with FNM_PATHNAME, and `**/X` also
    /// matches X at any depth.
    static func matches(_ glob: String, _ path: String) -> Bool {
        if fnmatch(glob, path, FNM_PATHNAME) == 0 { return true }
        if glob.hasPrefix("**/") {
            let rest = String(glob.dropFirst(3))
            let components = path.split(separator: "/").map(String.init)
            for start in components.indices where fnmatch(rest, components[start...].joined(separator: "/"), FNM_PATHNAME) == 0 { return true }
        }
        return false
    }
}

extension ProjectSetup {
    /// Prepares a worker's worktree (see `prepare`); returns a line for the event log, or nil
    /// when there was nothing to do.
    func prepareWorktree(_ worktree: String, from source: String, environment: [String: String]) throws(RuntimeError) -> String? {
        guard setupCommand != nil || !copyFiles.isEmpty else { return nil }
        guard let gitDirectory = CheckoutFollower.gitDirectory(ofWorktree: worktree) else {
            throw .invalidInput("\(worktree) is not a git worktree")
        }
        let prepared: Prepared?
        do { prepared = try prepare(worktree: worktree, gitDirectory: gitDirectory, from: source, environment: environment) } catch {
            throw .invalidInput(error.description)
        }
        guard let prepared else { return nil }
        var parts: [String] = []
        if !prepared.copied.isEmpty { parts.append("copied \(prepared.copied.joined(separator: ", "))") }
        if prepared.ranSetup { parts.append("ran '\(setupCommand ?? "")' in \(String(format: "%.1f", prepared.seconds)) s") }
        return "project setup: " + (parts.isEmpty ? "nothing to copy" : parts.joined(separator: "; "))
    }
}
