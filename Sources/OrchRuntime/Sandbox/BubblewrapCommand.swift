import Foundation

/// The bubblewrap command line that confines one agent run: the whole filesystem read-only, the
/// worker's worktree read-write, a private /tmp and $HOME, the preset's own login and settings
/// paths read-write, no other process visible, a non-root uid. Built from plain values, so the
/// layout can be read (and tested) without running anything.
struct BubblewrapCommand {
    var bwrap: String
    var identity: SandboxIdentity
    /// The user's real home, whose path the private home takes over (nil: none).
    var home: String?
    /// Kept per worker under `.git/orch/home/<worker>`: session files survive tasks and restarts.
    var privateHome: String
    /// The preset's paths (expanded, existing), bound read-write.
    var agentPaths: [String]
    /// Directories the agent needs to run its programs from (PATH entries, the agent's own
    /// directory): when /tmp or the private home would hide one, the top folder holding it there
    /// is bound back read-only (`~/.pyenv` for `~/.pyenv/shims`: a toolchain needs its whole tree).
    var programDirectories: [String]
    var repositoryRoot: String
    /// `.git` (the common directory), when it is not inside the repository root.
    var gitDirectory: String
    /// Hidden behind empty directories: the supervisor's control socket and pids (`.git/orch/run`)
    /// and the other workers' homes (`.git/orch/home`).
    var masked: [String]
    /// Bound back (read-only) into the masked places: the MCP client configuration.
    var readOnlyFiles: [String]
    /// Bound back read-write: this worker's MCP socket.
    var sockets: [String]
    var worktree: String

    /// `bwrap <options> -- <executable> <arguments>`.
    func arguments(executable: String, _ arguments: [String]) -> [String] {
        var options = [
            "--unshare-user", "--uid", "\(identity.uid)", "--gid", "\(identity.gid)",
            "--unshare-pid", "--unshare-ipc", "--die-with-parent",
            "--ro-bind", "/", "/",
            // A fresh /dev (null, zero, random, tty, its own pts): no disk devices to write.
            "--dev", "/dev", "--proc", "/proc",
            "--tmpfs", "/tmp",
        ]
        // Program folders come back read-only over the private /tmp before the home is bound, and
        // over the private home after it: a later mount hides an earlier one below it, and the
        // private home may itself lie in such a /tmp folder (a test's HOME).
        var shown: [String] = []
        func showPrograms(below root: String) {
            for directory in programDirectories where root != "/" {
                guard let top = Self.topFolder(of: directory, below: root), !shown.contains(top) else { continue }
                shown.append(top)
                options += ["--ro-bind-try", top, top]
            }
        }
        showPrograms(below: "/tmp")
        // The fresh /dev hides /dev/shm (a TMPDIR some people and benchmarks use): a program
        // folder there comes back as itself, not the whole of /dev/shm.
        for directory in programDirectories where Self.isInside(directory, "/dev/shm") && directory != "/dev/shm" && !shown.contains(directory) {
            shown.append(directory)
            options += ["--ro-bind-try", directory, directory]
        }
        if let home, home != "/" {
            options += ["--bind", privateHome, home]
            showPrograms(below: home)
        }
        for path in agentPaths { options += ["--bind", path, path] }
        options += ["--ro-bind", repositoryRoot, repositoryRoot]
        if !Self.isInside(gitDirectory, repositoryRoot) { options += ["--ro-bind", gitDirectory, gitDirectory] }
        for path in masked { options += ["--tmpfs", path] }
        for path in readOnlyFiles { options += ["--ro-bind-try", path, path] }
        for path in sockets { options += ["--bind", path, path] }
        options += ["--bind", worktree, worktree, "--chdir", worktree, "--setenv", "TMPDIR", "/tmp"]
        if let home { options += ["--setenv", "HOME", home] }
        return [bwrap] + options + ["--", executable] + arguments
    }

    /// The folder of `executable` once symlinks are followed: a symlinked agent (a launcher in
    /// ~/.local/bin) needs its real folder shown too.
    static func realFolder(of executable: String) -> String {
        URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent().path
    }

    /// `root/x` for a `path` at or below `root/x`; nil when `path` is not below `root`.
    static func topFolder(of path: String, below root: String) -> String? {
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        guard path.hasPrefix(base + "/") else { return nil }
        guard let first = path.dropFirst(base.count + 1).split(separator: "/").first else { return nil }
        return base + "/" + first
    }

    /// Whether `path` is `directory` or below it (by path, as given).
    static func isInside(_ path: String, _ directory: String) -> Bool {
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        return path == base || path.hasPrefix(base + "/") || base.isEmpty
    }

    /// A preset's `sandboxPaths` entry made absolute: `~/x` in the user's home, `$NAME` (or
    /// `$NAME/x`) from the environment; nil when it names nothing (an unset variable, no home).
    static func expand(_ entry: String, home: String?, environment: [String: String]) -> String? {
        var text = entry
        if text == "~" || text.hasPrefix("~/") {
            guard let home else { return nil }
            text = home + text.dropFirst()
        } else if text.hasPrefix("$") {
            let name = text.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            guard let value = environment[String(name)], !value.isEmpty else { return nil }
            text = value + text.dropFirst(1 + name.count)
        }
        guard text.hasPrefix("/") else { return nil }
        return (text as NSString).standardizingPath
    }
}
