#if canImport(Glibc)
import Glibc
#endif
import CLibgit2

/// Runs a program directly (never through a shell), feeds it standard input and collects both
/// output streams. posix_spawn rather than Foundation's Process, which costs tens of
/// milliseconds per child on Linux.
public enum Subprocess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        public var output: String { String(decoding: stdout, as: UTF8.self) }
        public var errorOutput: String { String(decoding: stderr, as: UTF8.self) }
    }

    public struct LaunchError: Error, CustomStringConvertible {
        public var executable: String
        public var code: Int32
        public var description: String { "cannot run \(executable): \(String(cString: strerror(code)))" }
    }

    /// `executable` is a path, or a name looked up on PATH.
    public static func run(
        _ executable: String, _ arguments: [String], in directory: String? = nil, input: [UInt8] = [],
        environment: [String: String] = [:], discardOutput: Bool = false
    ) throws(LaunchError) -> Result {
        var pipes: [[Int32]] = [[0, 0], [0, 0], [0, 0]]
        // Close-on-exec: a process spawned meanwhile by another thread must not inherit these ends
        // (it would hold the pipes open, and this read would never see their end).
        for index in 0..<3 { guard pipe2(&pipes[index], O_CLOEXEC) == 0 else { throw LaunchError(executable: executable, code: errno) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipes[0][0], 0)
        if discardOutput {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        } else {
            posix_spawn_file_actions_adddup2(&actions, pipes[1][1], 1)
        }
        posix_spawn_file_actions_adddup2(&actions, pipes[2][1], 2)
        for pair in pipes { for fd in pair { posix_spawn_file_actions_addclose(&actions, fd) } }
        if let directory { posix_spawn_file_actions_addchdir_np(&actions, directory) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var merged = currentEnvironment()
        for (key, value) in environment { merged[key] = value }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid: pid_t = 0
        var spawned: Int32 = 0
        for attempt in 0..<5 {
            spawned = executable.contains("/")
                ? posix_spawn(&pid, executable, &actions, nil, argv, envp)
                : posix_spawnp(&pid, executable, &actions, nil, argv, envp)
            // A program just written may still be open for writing in a child that another
            // thread forked meanwhile (ETXTBSY until that child execs): transient, so try again.
            guard spawned == ETXTBSY, attempt < 4 else { break }
            usleep(UInt32(20_000 << attempt))
        }
        close(pipes[0][0]); close(pipes[1][1]); close(pipes[2][1])
        guard spawned == 0 else {
            close(pipes[0][1]); close(pipes[1][0]); close(pipes[2][0])
            throw LaunchError(executable: executable, code: spawned)
        }
        let (stdout, stderr) = pump(input: input, to: pipes[0][1], from: pipes[1][0], and: pipes[2][0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exitStatus, stdout: stdout, stderr: stderr)
    }

    /// This process's environment as a dictionary (what children inherit unless told otherwise).
    public static func currentEnvironment() -> [String: String] {
        var merged: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") { merged[String(text[..<equals])] = String(text[text.index(after: equals)...]) }
            entry += 1
        }
        return merged
    }

    /// Writes `input` and reads both outputs with poll, so a child blocked on a full pipe never
    /// deadlocks against us.
    private static func pump(input: [UInt8], to inputFD: Int32, from outFD: Int32, and errFD: Int32) -> ([UInt8], [UInt8]) {
        var written = 0
        var writer: Int32 = input.isEmpty ? -1 : inputFD
        if writer < 0 { close(inputFD) }
        var readers: [Int32] = [outFD, errFD]
        var collected: [[UInt8]] = [[], []]
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while writer >= 0 || !readers.isEmpty {
            var fds = readers.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if writer >= 0 { fds.append(pollfd(fd: writer, events: Int16(POLLOUT), revents: 0)) }
            guard poll(&fds, nfds_t(fds.count), -1) >= 0 else { if errno == EINTR { continue } else { break } }
            for item in fds where item.revents != 0 {
                if item.fd == writer {
                    let count = input.withUnsafeBytes { write(writer, $0.baseAddress! + written, min(65_536, input.count - written)) }
                    if count > 0 { written += count }
                    if count <= 0 || written == input.count { close(writer); writer = -1 }
                } else {
                    let count = read(item.fd, &chunk, chunk.count)
                    if count > 0 {
                        collected[item.fd == outFD ? 0 : 1].append(contentsOf: chunk[0..<count])
                    } else {
                        close(item.fd)
                        readers.removeAll { $0 == item.fd }
                    }
                }
            }
        }
        return (collected[0], collected[1])
    }
}
