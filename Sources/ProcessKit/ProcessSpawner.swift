#if canImport(Glibc)
import Glibc
#endif
import CProcess

/// What a child's standard descriptor is connected to.
public enum ChildIO: Sendable {
    case inherit
    case null
    /// Duplicated from this descriptor of ours.
    case descriptor(Int32)
    /// Opened by path in the child (after `setsid`, so a terminal becomes its controlling one).
    case path(String, flags: Int32)
}

/// A process that could not be started (or a pipe or terminal for one not made): which, and the
/// errno.
public struct SpawnError: Error, Sendable, CustomStringConvertible {
    public var executable: String
    public var code: Int32
    public init(executable: String, code: Int32) {
        self.executable = executable
        self.code = code
    }
    public var description: String { "cannot run \(executable): \(String(cString: strerror(code)))" }
}

/// Starts processes with posix_spawn: never through a shell, the arguments as given, the signals
/// we ignore or block (SIGPIPE, SIGINT, SIGTERM, SIGCHLD, SIGHUP, SIGQUIT) back to their
/// defaults. The one spawner of the package (`Subprocess.run` and `ChildProcess` are built on
/// it); posix_spawn rather than fork, which Swift cannot do safely, and rather than Foundation's
/// Process, which costs tens of milliseconds per child on Linux.
public enum ProcessSpawner {
    public struct Options: Sendable {
        public var directory: String?
        /// Added to (or replacing in) our environment.
        public var environment: [String: String] = [:]
        public var removeFromEnvironment: [String] = []
        public var stdin: ChildIO = .inherit
        public var stdout: ChildIO = .inherit
        public var stderr: ChildIO = .inherit
        /// A new session (and process group) led by the child: its whole tree can be signalled
        /// with kill(-pid), and the terminal's Ctrl-C does not reach it directly.
        public var newSession = false
        /// Joins this process group (0: a new group led by the child). Ignored with `newSession`.
        public var processGroup: Int32?

        public init() {}
    }

    public static func spawn(_ executable: String, _ arguments: [String], _ options: Options) throws(SpawnError) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The signals we (or a test runner) ignore or block must not leak into the child: back to
        // their defaults, and unblocked.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGPIPE, SIGCHLD, SIGHUP, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        let flags = Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        posix_spawnattr_setflags(&attributes, flags)
        if options.newSession {
            orch_spawnattr_setsid(&attributes)
        } else if let group = options.processGroup {
            posix_spawnattr_setpgroup(&attributes, group)
            posix_spawnattr_setflags(&attributes, flags | Int16(POSIX_SPAWN_SETPGROUP))
        }
        if let directory = options.directory { orch_spawn_file_actions_addchdir(&actions, directory) }
        for (target, io) in [(Int32(0), options.stdin), (1, options.stdout), (2, options.stderr)] {
            switch io {
            case .inherit: break
            case .null: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .descriptor(let fd): posix_spawn_file_actions_adddup2(&actions, fd, target)
            case .path(let path, let flags): posix_spawn_file_actions_addopen(&actions, target, path, flags, 0)
            }
        }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var environment = Subprocess.currentEnvironment()
        for key in options.removeFromEnvironment { environment[key] = nil }
        for (key, value) in options.environment { environment[key] = value }
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        var result: Int32 = 0
        for attempt in 0..<5 {
            result = executable.contains("/")
                ? posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
                : posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
            // A program just written may still be open for writing in a child that another
            // thread forked meanwhile (ETXTBSY until that child execs): transient, so try again.
            guard result == ETXTBSY, attempt < 4 else { break }
            usleep(UInt32(20_000 << attempt))
        }
        guard result == 0 else { throw SpawnError(executable: executable, code: result) }
        return pid
    }

    /// The exit status of a finished child as a shell reports it (128+N for signal N), or nil
    /// while it runs (with `block` false).
    public static func wait(_ pid: Int32, block: Bool) -> Int32? {
        var status: Int32 = 0
        let result = retryingOnEINTR { waitpid(pid, &status, block ? 0 : WNOHANG) }
        return result == pid ? exitStatus(status) : nil
    }

    public static func exitStatus(_ status: Int32) -> Int32 {
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// A pipe whose both ends close on exec, made in one step so that a child another thread
    /// spawns meanwhile inherits neither end.
    public static func pipe() throws(SpawnError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        guard orch_pipe_cloexec(&ends) == 0 else { throw SpawnError(executable: "pipe", code: errno) }
        return (ends[0], ends[1])
    }

    /// Whether a process with this pid exists (and is not a zombie we could reap).
    public static func isAlive(_ pid: Int32) -> Bool { pid > 0 && kill(pid, 0) == 0 }
}

/// A pseudo-terminal for one agent run: we keep the master, the child opens the replica by path.
public struct PseudoTerminal: Sendable {
    public let master: Int32
    public let replicaPath: String

    public static func open(rows: UInt16 = 40, columns: UInt16 = 120) throws(SpawnError) -> PseudoTerminal {
        var master: Int32 = -1
        var name = [CChar](repeating: 0, count: 256)
        let result = orch_open_pty(&master, &name, UInt(name.count), rows, columns)
        guard result == 0 else { throw SpawnError(executable: "posix_openpt", code: result) }
        return PseudoTerminal(master: master, replicaPath: String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}
