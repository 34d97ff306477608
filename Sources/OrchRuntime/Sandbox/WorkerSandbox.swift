#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GitKit
import OrchModel
import ProcessKit

extension RuntimePaths {
    /// Each worker's private $HOME for its sandboxed agents.
    var sandboxHomes: String { root + "/home" }
}

/// One worker's confinement: wraps each agent invocation in bubblewrap (or leaves it as it is
/// when unconfined) and serves `git orch mcp` from outside to the agent inside.
final class WorkerSandbox {
    let confinement: Confinement
    private let command: BubblewrapCommand?
    private let relay: McpRelay?

    /// The decision the supervisor passed down (`GIT_ORCH_SANDBOX`), else this process's own.
    static func confinement(settings: RuntimeSettings) throws(RuntimeError) -> Confinement {
        if let text = ProcessInfo.processInfo.environment[Confinement.environmentKey], let passed = Confinement(environmentValue: text) {
            return passed
        }
        return try Sandbox.confinement(for: settings.sandbox)
    }

    init(confinement: Confinement, worker: String, preset: AgentPreset, worktree: String, repositoryRoot: String,
         paths: RuntimePaths, offerMCP: Bool, mcpConfig: String?) throws(RuntimeError) {
        self.confinement = confinement
        guard case .bubblewrap(let bwrap) = confinement else {
            command = nil
            relay = nil
            return
        }
        let environment = ProcessInfo.processInfo.environment
        let home = environment["HOME"].flatMap { $0.hasPrefix("/") ? ($0 as NSString).standardizingPath : nil }
        let privateHome = paths.sandboxHomes + "/" + worker
        do {
            try FileManager.default.createDirectory(atPath: privateHome, withIntermediateDirectories: true)
            try Self.gitSettings(repositoryRoot: repositoryRoot).write(toFile: privateHome + "/.gitconfig", atomically: true, encoding: .utf8)
        } catch {
            throw .io(privateHome, "cannot create the agent's private home: \(error.localizedDescription)")
        }
        let agentPaths = preset.sandboxPaths.compactMap { BubblewrapCommand.expand($0, home: home, environment: environment) }
            .filter { FileManager.default.fileExists(atPath: $0) }
        var programs = (environment["PATH"] ?? "").split(separator: ":").map(String.init).filter { $0.hasPrefix("/") }
        if let executable = preset.command.first, executable.hasPrefix("/") {
            programs.append((executable as NSString).deletingLastPathComponent)
        }
        var sockets: [String] = []
        // Any agent may start `git orch mcp` (from the preset's configuration or its own).
        if offerMCP {
            let socketPath = McpRelay.socketPath(paths, worker: worker)
            relay = try McpRelay(socketPath: socketPath, worktree: worktree, environment: ["GIT_ORCH_WORKER": worker])
            sockets.append(socketPath)
        } else {
            relay = nil
        }
        let gitDirectory = (paths.root as NSString).deletingLastPathComponent
        command = BubblewrapCommand(
            bwrap: bwrap, identity: .current, home: home, privateHome: privateHome, agentPaths: agentPaths,
            programDirectories: programs, repositoryRoot: repositoryRoot, gitDirectory: gitDirectory,
            masked: [paths.run, paths.sandboxHomes], readOnlyFiles: mcpConfig.map { [$0] } ?? [], sockets: sockets,
            worktree: worktree)
    }

    /// The private home's `.gitconfig`: the user's identity (else git-orch's), since the agent sees
    /// neither the real home nor a writable repository config, and some agents (aider) write one
    /// into the repository when git has none, which the sandbox refuses.
    static func gitSettings(repositoryRoot: String) throws(RuntimeError) -> String {
        let git = GitCLI(directory: repositoryRoot)
        func value(_ key: String, _ fallback: String) throws(RuntimeError) -> String {
            let result = try git.run(["config", "--get", key], allowFailure: true)
            let text = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
            return result.status == 0 && !text.isEmpty ? text : fallback
        }
        let name = try value("user.name", "git-orch"), email = try value("user.email", "git-orch@localhost")
        // Quoted as git config values: a backslash or quote in a name stays what it is.
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        return "# Written by git-orch for the agent in its sandbox.\n[user]\n\tname = \(quoted(name))\n\temail = \(quoted(email))\n"
    }

    /// A staging area of the agent's own, in its private home: a copy of its worktree's index
    /// (`GIT_INDEX_FILE`) and an object folder for what it stages (`GIT_OBJECT_DIRECTORY`), with
    /// the repository's objects readable as alternates. Agents that stage what they write (aider's
    /// `git add`) can, while the real index (beside the worktree's HEAD) and object store, in the
    /// read-only git directory, stay the worker's. The worker commits from the worktree itself, so
    /// what the agent staged changes nothing. The index copy is refreshed before each run, so
    /// `git status` and `git diff` read inside as outside.
    private func stagingArea(_ layout: BubblewrapCommand) throws(RuntimeError) -> [String: String] {
        guard let home = layout.home, home != "/" else { return [:] }
        let git = GitCLI(directory: layout.worktree)
        let index = try git.output(["rev-parse", "--path-format=absolute", "--git-path", "index"])
        let objects = try git.output(["rev-parse", "--path-format=absolute", "--git-path", "objects"])
        let copy = layout.privateHome + "/.git-orch-index"
        do {
            if FileManager.default.fileExists(atPath: copy) { try FileManager.default.removeItem(atPath: copy) }
            if FileManager.default.fileExists(atPath: index) { try FileManager.default.copyItem(atPath: index, toPath: copy) }
            try FileManager.default.createDirectory(atPath: layout.privateHome + "/.git-orch-objects", withIntermediateDirectories: true)
        } catch {
            throw .io(copy, "cannot prepare the agent's staging area: \(error.localizedDescription)")
        }
        return ["GIT_INDEX_FILE": home + "/.git-orch-index", "GIT_OBJECT_DIRECTORY": home + "/.git-orch-objects",
                "GIT_ALTERNATE_OBJECT_DIRECTORIES": objects]
    }

    /// `invocation` as it runs for `task`: inside bubblewrap when confined. The agent's executable
    /// is looked up here, so a missing one is reported as before rather than by bubblewrap.
    func wrap(_ invocation: AgentInvocation, task: TaskID, presetName: String) throws(RuntimeError) -> (AgentInvocation, [String: String]) {
        guard var layout = command else { return (invocation, [:]) }
        guard let executable = Sandbox.findOnPath(invocation.executable) else {
            throw .agent("cannot run \(invocation.executable): No such file or directory (agent preset '\(presetName)')")
        }
        var environment: [String: String] = [:]
        environment.merge(try stagingArea(layout)) { $1 }
        if let relay {
            relay.setTask(task.hex)
            environment[McpRelay.environmentKey] = relay.socketPath
        }
        layout.programDirectories.append(BubblewrapCommand.realFolder(of: executable))
        let words = layout.arguments(executable: executable, invocation.arguments)
        return (AgentInvocation(executable: words[0], arguments: Array(words.dropFirst()), standardInput: invocation.standardInput), environment)
    }
}
