#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchModel

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

    /// `invocation` as it runs for `task`: inside bubblewrap when confined. The agent's executable
    /// is looked up here, so a missing one is reported as before rather than by bubblewrap.
    func wrap(_ invocation: AgentInvocation, task: TaskID, presetName: String) throws(RuntimeError) -> (AgentInvocation, [String: String]) {
        guard var layout = command else { return (invocation, [:]) }
        guard let executable = Sandbox.findOnPath(invocation.executable) else {
            throw .agent("cannot run \(invocation.executable): No such file or directory (agent preset '\(presetName)')")
        }
        var environment: [String: String] = [:]
        if let relay {
            relay.setTask(task.hex)
            environment[McpRelay.environmentKey] = relay.socketPath
        }
        // A symlinked agent (a launcher in ~/.local/bin) needs its real folder too.
        let real = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent().path
        layout.programDirectories.append(real)
        let words = layout.arguments(executable: executable, invocation.arguments)
        return (AgentInvocation(executable: words[0], arguments: Array(words.dropFirst()), standardInput: invocation.standardInput), environment)
    }
}
