#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ProcessKit

/// Whether agents can be confined here, and the decision for one start.
public enum Sandbox {
    /// Whether bubblewrap is on PATH and can make the sandbox agents run in (a kernel or a
    /// container may refuse user namespaces). Probed once per process; `git orch doctor` calls it.
    public static func availability() -> (available: Bool, detail: String) { describe(probe) }

    /// The same probe with the bubblewrap at `executable` (`git orch doctor` finds it on the PATH
    /// the workers get).
    public static func availability(of executable: String) -> (available: Bool, detail: String) { describe(runProbe(executable)) }

    private static func describe(_ probe: Result<String, Unavailable>) -> (available: Bool, detail: String) {
        switch probe {
        case .success(let executable): (true, "bubblewrap works (\(executable))")
        case .failure(let reason): (false, reason.message)
        }
    }

    /// What `mode` means for this start: bubblewrap, unconfined with the reason, or (mode
    /// `bwrap` without a working bubblewrap) an error naming the key.
    public static func confinement(for mode: SandboxMode) throws(RuntimeError) -> Confinement {
        switch (mode, probe) {
        case (.off, _): return .unconfined(reason: "orch.sandbox is off")
        case (_, .success(let executable)): return .bubblewrap(executable: executable)
        case (.auto, .failure(let reason)): return .unconfined(reason: reason.message)
        case (.bwrap, .failure(let reason)):
            throw .config(SandboxMode.key, "bwrap, but \(reason.message); install bubblewrap or set orch.sandbox to auto or off")
        }
    }

    /// The command line that runs `executable` confined to `worktree` as a worker runs its agent
    /// (nil when bubblewrap is unavailable), for orch-bench's start-up figure.
    public static func commandLine(_ executable: String, _ arguments: [String], worktree: String, repositoryRoot: String,
                                   gitDirectory: String, privateHome: String) -> [String]? {
        guard case .success(let bwrap) = probe else { return nil }
        let environment = ProcessInfo.processInfo.environment
        // As a worker does: the program's own folder is shown too (an agent under the hidden home).
        var programs = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        if executable.hasPrefix("/") {
            programs.append(BubblewrapCommand.realFolder(of: executable))
        }
        let command = BubblewrapCommand(
            bwrap: bwrap, identity: .current, home: environment["HOME"], privateHome: privateHome, agentPaths: [],
            programDirectories: programs,
            repositoryRoot: repositoryRoot, gitDirectory: gitDirectory, masked: [gitDirectory + "/orch/run"],
            readOnlyFiles: [], sockets: [], worktree: worktree)
        return command.arguments(executable: executable, arguments)
    }

    struct Unavailable: Error { var message: String }

    private static let probe: Result<String, Unavailable> = findOnPath("bwrap").map(runProbe)
        ?? .failure(Unavailable(message: "bubblewrap (bwrap) is not on PATH"))

    private static func runProbe(_ executable: String) -> Result<String, Unavailable> {
        let identity = SandboxIdentity.current
        let arguments = ["--unshare-user", "--uid", "\(identity.uid)", "--gid", "\(identity.gid)", "--unshare-pid",
                         "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--", "true"]
        do {
            let result = try Subprocess.run(executable, arguments, in: "/")
            if result.status == 0 { return .success(executable) }
            let said = result.errorOutput.split(separator: "\n").first.map(String.init) ?? "exit status \(result.status)"
            return .failure(Unavailable(message: "bubblewrap cannot make a sandbox here (\(said))"))
        } catch {
            return .failure(Unavailable(message: "bubblewrap cannot run: \(error.description)"))
        }
    }

    /// The absolute path of `name` on our PATH (a path is taken as it is), or nil.
    static func findOnPath(_ name: String, path: String? = nil) -> String? {
        AgentPreflight.locate(name, path: path ?? ProcessInfo.processInfo.environment["PATH"] ?? "")
    }
}

/// The uid and gid agents see inside the sandbox: the user's own, except that root becomes 1000
/// (Claude Code refuses --dangerously-skip-permissions as root). Outside, files still belong to
/// the user running git-orch: the user namespace maps the inner id to ours.
struct SandboxIdentity {
    var uid: UInt32
    var gid: UInt32

    static var current: SandboxIdentity {
        SandboxIdentity(uid: getuid() == 0 ? 1000 : getuid(), gid: getgid() == 0 ? 1000 : getgid())
    }
}
