#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion (never through a shell), feeds it standard input and collects
/// both output streams: `ProcessSpawner.spawn` with pipes, read with poll. The child starts with
/// default signal dispositions whatever we ignore: a test runner that ignores SIGTERM must not
/// make a merge queue's `timeout 5 cmd` unable to end what it runs.
public enum Subprocess {
    public struct Result: Sendable {
        /// As a shell reports it: the exit code, or 128+N for a death by signal N.
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        public var output: String { String(decoding: stdout, as: UTF8.self) }
        public var errorOutput: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// `executable` is a path, or a name looked up on PATH. `environment` is added to (or replaces
    /// entries of) ours. With `discardOutput` the child's stdout goes to /dev/null.
    public static func run(
        _ executable: String, _ arguments: [String], in directory: String? = nil, input: [UInt8] = [],
        environment: [String: String] = [:], discardOutput: Bool = false
    ) throws(SpawnError) -> Result {
        // Our ends close on exec (ProcessSpawner.pipe), so a child another thread spawns meanwhile
        // cannot hold them open and keep the reads below from seeing end of file.
        var opened: [Int32] = []
        func makePipe() throws(SpawnError) -> (read: Int32, write: Int32) {
            do {
                let ends = try ProcessSpawner.pipe()
                opened += [ends.read, ends.write]
                return ends
            } catch {
                opened.forEach { _ = close($0) }
                throw error
            }
        }
        let stdin = try makePipe()
        // Non-blocking: a blocking write larger than the room left in the pipe would wait for a
        // child that may itself be waiting for us to read its output.
        _ = fcntl(stdin.write, F_SETFL, O_NONBLOCK)
        let stdout = try discardOutput ? nil : makePipe()
        let stderr = try makePipe()
        var options = ProcessSpawner.Options()
        options.directory = directory
        options.environment = environment
        options.stdin = .descriptor(stdin.read)
        options.stdout = stdout.map { .descriptor($0.write) } ?? .null
        options.stderr = .descriptor(stderr.write)
        let pid: Int32
        do {
            pid = try ProcessSpawner.spawn(executable, arguments, options)
        } catch {
            opened.forEach { _ = close($0) }
            throw error
        }
        // The child's ends are its own now; ours would keep the pipes open.
        for end in [stdin.read, stdout?.write, stderr.write] { if let end { _ = close(end) } }
        if input.isEmpty { _ = close(stdin.write) }
        let (out, err) = pump(input: input, to: input.isEmpty ? nil : stdin.write, from: stdout?.read, and: stderr.read)
        // A child reaped elsewhere meanwhile (a waitpid(-1) on another thread) has lost its
        // status; it counts as 0, as it always has.
        let status = ProcessSpawner.wait(pid, block: true) ?? 0
        return Result(status: status, stdout: out, stderr: err)
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
    /// deadlocks against us. Closes every descriptor it is given.
    private static func pump(input: [UInt8], to inputFD: Int32?, from outFD: Int32?, and errFD: Int32) -> ([UInt8], [UInt8]) {
        var written = 0
        var writer: Int32 = inputFD ?? -1
        var readers: [Int32] = [outFD, errFD].compactMap { $0 }
        var collected: [[UInt8]] = [[], []]
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while writer >= 0 || !readers.isEmpty {
            var fds = readers.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if writer >= 0 { fds.append(pollfd(fd: writer, events: Int16(POLLOUT), revents: 0)) }
            guard retryingOnEINTR({ poll(&fds, nfds_t(fds.count), -1) }) >= 0 else { break }
            for item in fds where item.revents != 0 {
                if item.fd == writer {
                    // POLLERR: the child closed its standard input; writing would raise SIGPIPE.
                    var count = -1
                    if item.revents & Int16(POLLERR) == 0 {
                        count = input.withUnsafeBytes { bytes in
                            retryingOnEINTR { write(writer, bytes.baseAddress! + written, input.count - written) }
                        }
                        // Our end does not block: a pipe that filled up meanwhile waits for POLLOUT.
                        if count < 0 && errno == EAGAIN { continue }
                    }
                    if count > 0 { written += count }
                    if count <= 0 || written == input.count { _ = close(writer); writer = -1 }
                } else {
                    let count = retryingOnEINTR { read(item.fd, &chunk, chunk.count) }
                    if count > 0 {
                        collected[item.fd == outFD ? 0 : 1].append(contentsOf: chunk[0..<count])
                    } else {
                        _ = close(item.fd)
                        readers.removeAll { $0 == item.fd }
                    }
                }
            }
        }
        // Only after a failed poll: nothing is left open behind us.
        if writer >= 0 { _ = close(writer) }
        readers.forEach { _ = close($0) }
        return (collected[0], collected[1])
    }
}
