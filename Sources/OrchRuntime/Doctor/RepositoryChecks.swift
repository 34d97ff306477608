#if canImport(Glibc)
import Glibc
#endif
import Foundation
public import GitKit
import OrchCatalog
import OrchModel
import OrchStore
import ProcessKit

/// The repository's side of being ready: a working tree, the task graph, a main branch with a
/// commit, readable settings, no team already running, hooks, the remote's refspec and disk.
public enum RepositoryChecks {
    public static func repository(_ repository: Repository) -> DoctorCheck {
        guard let root = repository.workingDirectory else {
            return .failed("repository", "\(repository.gitDirectory) is bare", fix: "run git orch in a clone with a working tree")
        }
        return .ok("repository", root)
    }

    public static func graph(_ repository: Repository) -> DoctorCheck {
        do {
            let snapshot = try TaskStore(repository: repository, usesCache: false).snapshot()
            return .ok("graph", "\(StateRefs.graph): \(snapshot.graph.count) tasks")
        } catch .notInitialized {
            return .failed("graph", "no \(StateRefs.graph)", fix: "git orch init")
        } catch {
            return .failed("graph", "\(StateRefs.graph) cannot be read: \(error)", fix: "see docs/user-guide.md#troubleshooting")
        }
    }

    public static func mainBranch(_ repository: Repository) -> DoctorCheck {
        do { return .ok("main branch", try Worktrees.mainBranch(of: repository)) } catch {
            return .failed("main branch", error.description, fix: "commit something first, or git config orch.mainBranch BRANCH")
        }
    }

    public static func settings(_ config: RuntimeConfig) -> DoctorCheck {
        do {
            let settings = try RuntimeSettings(config)
            return .ok("settings", "orch.* readable; merge queue \(settings.mergeQueue ? "on" : "off")")
        } catch {
            return .failed("settings", error.description, fix: "fix or unset the key: git config --unset KEY")
        }
    }

    public static func supervisor(_ paths: RuntimePaths) -> DoctorCheck {
        if let pid = SupervisorLock.runningPID(paths) {
            return .failed("team", "a team is already running here (pid \(pid))", fix: "git orch status; git orch stop")
        }
        return .ok("team", "none running")
    }

    public static func hooks(_ repository: Repository) -> DoctorCheck {
        let installed: [String: Bool]
        do { installed = try HookInstaller(repository: repository, shippedHooks: "").installed() } catch {
            return .failed("hooks", error.description, fix: "see docs/user-guide.md#troubleshooting")
        }
        let missing = installed.filter { !$0.value }.map(\.key).sorted()
        if missing.isEmpty { return .ok("hooks", HookInstaller.names.joined(separator: ", ") + " installed") }
        return .warning("hooks", "not installed: \(missing.joined(separator: ", ")) (main can move to untested commits)",
                        fix: "git orch hooks install")
    }

    /// `orch.remote` (default origin): none is fine (one machine); one that does not fetch
    /// `refs/orch/*` keeps other clones from seeing the team's state.
    public static func remote(_ repository: Repository, config: RuntimeConfig) -> DoctorCheck {
        let name = config.string("orch.remote") ?? "origin"
        let url: String?
        do { url = try repository.configString("remote.\(name).url") } catch {
            return .failed("remote", "remote.\(name).url cannot be read: \(error.description)", fix: "git config --list --show-origin says which file git cannot read")
        }
        guard url != nil else {
            if config.string("orch.remote") != nil {
                return .warning("remote", "orch.remote is '\(name)', which is not a remote", fix: "git remote add \(name) URL, or git config --unset orch.remote")
            }
            return .ok("remote", "none (the team's state stays in this clone)")
        }
        let remote: RemoteGit
        do { remote = try RemoteGit(remote: name, repository: repository) } catch {
            return .warning("remote", error.description, fix: "rename it: git remote rename \(name) NEW")
        }
        let fetched: [String]
        do { fetched = try Subprocess.fetchRefspecs(of: name, in: repository.gitDirectory) } catch {
            return .failed("remote", error.description, fix: "git config --list --show-origin says which file git cannot read")
        }
        if fetched.contains(remote.fetchRefspec) { return .ok("remote", "\(name) fetches refs/orch/*") }
        return .warning("remote", "\(name) does not fetch refs/orch/* (other clones will not see the team's state)",
                        fix: "git orch remote setup \(name)")
    }

    /// Entries of `.orch/` git-orch does not read (a misspelt `Skills/` is otherwise ignored).
    public static func orchFolder(root: String) -> DoctorCheck {
        let unknown = OrchFolderEntries.unknown(in: root + "/.orch")
        guard let first = unknown.first else { return .ok(".orch", "nothing unknown") }
        return .warning(".orch", unknown.map(\.description).joined(separator: "; "), fix: first.message.contains("rename") ? "rename it" : "move it out of .orch")
    }

    /// Worktrees (one per worker) and scratch test worktrees need room.
    public static func disk(_ paths: RuntimePaths, repository: Repository) -> DoctorCheck {
        let directory = FileManager.default.fileExists(atPath: paths.root) ? paths.root : repository.commonDirectory
        var stats = statvfs()
        guard statvfs(directory, &stats) == 0 else {
            return .warning("disk", "cannot read the free space of \(directory): \(String(cString: strerror(errno)))", fix: "check that \(directory) is readable")
        }
        let free = Double(stats.f_bavail) * Double(stats.f_frsize)
        let text = String(format: "%.1f", free / 1_073_741_824) + " GiB free in \(directory)"
        if free < 100 * 1_048_576 { return .failed("disk", text, fix: "free some space: each worker needs a worktree") }
        if free < 1_073_741_824 { return .warning("disk", text, fix: "free some space: each worker needs a worktree") }
        return .ok("disk", text)
    }
}

extension Subprocess {
    /// `remote.<name>.fetch`, every value (none: empty). git failing otherwise is an error, not
    /// "fetches nothing".
    static func fetchRefspecs(of remote: String, in gitDirectory: String) throws(RuntimeError) -> [String] {
        guard let output = try gitConfig(["--get-all", "remote.\(remote).fetch"], gitDirectory: gitDirectory) else { return [] }
        return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}
