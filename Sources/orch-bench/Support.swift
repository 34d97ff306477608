import Foundation
import GitKit
import OrchModel
import OrchStore

private let directoryLock = NSLock()

/// Runs programs without a shell and times things.
enum Shell {
    struct Result { var status: Int32; var output: String }

    /// Spawns with posix_spawn (Foundation's Process costs tens of milliseconds per child here,
    /// which would swamp the figures being measured), feeds `input`, and collects stdout.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in directory: String, input: Data? = nil, discardOutput: Bool = false) throws -> Result {
        var inputPipe: [Int32] = [0, 0], outputPipe: [Int32] = [0, 0]
        guard pipe(&inputPipe) == 0, pipe(&outputPipe) == 0 else { throw BenchError("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inputPipe[0], 0)
        if discardOutput {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        } else {
            posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        for fd in inputPipe + outputPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        // Children start in the parent's directory (Swift's Glibc lacks posix_spawn's chdir action);
        // every concurrent spawn in this tool uses the same directory, so a process-wide chdir is safe.
        directoryLock.withLock { if FileManager.default.currentDirectoryPath != directory { _ = chdir(directory) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        close(inputPipe[0])
        close(outputPipe[1])
        guard spawned == 0 else {
            close(inputPipe[1]); close(outputPipe[0])
            throw BenchError("cannot start \(executable)")
        }
        // Write the input from another thread so a child that fills its output pipe never deadlocks us.
        let writer = Thread { [inputFD = inputPipe[1]] in
            if let input { input.withUnsafeBytes { buffer in
                var done = 0
                while done < buffer.count {
                    let count = write(inputFD, buffer.baseAddress! + done, buffer.count - done)
                    if count <= 0 { break }
                    done += count
                }
            } }
            close(inputFD)
        }
        writer.start()
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(outputPipe[0], &chunk, chunk.count)
            if count <= 0 { break }
            output.append(contentsOf: chunk[0..<count])
        }
        close(outputPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: exitStatus, output: String(decoding: output, as: UTF8.self))
    }

    static func git(_ arguments: [String], in directory: String, input: Data? = nil) throws -> String {
        let result = try run("/usr/bin/git", arguments, in: directory, input: input)
        guard result.status == 0 else { throw BenchError("git \(arguments.joined(separator: " ")) failed") }
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func milliseconds(_ value: Double) -> String { String(format: "%.1f ms", value * 1000) }

/// A scratch repository, removed at exit of the benchmark that made it.
final class ScratchRepository {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "orch-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        _ = try Shell.git(["init", "-q", "-b", "main", "."], in: path)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    func store() throws -> TaskStore { TaskStore(repository: try Repository.open(at: path)) }
}

/// `count` tasks in chains of `chain` (each waits for the previous one in its chain), added in one operation.
func populate(_ store: TaskStore, count: Int, chain: Int = 1) throws -> [TaskID] {
    try store.initialize()
    let start = store.clock()
    var tasks: [Task] = []
    tasks.reserveCapacity(count)
    for index in 0..<count {
        let created = start.adding(microseconds: Int64(index))
        let title = "Task \(index): implement part \(index % 97) of the feature"
        let id = try store.newTaskID(title: title, at: created)
        let deps = index % chain == 0 ? [] : [tasks[index - 1].id]
        tasks.append(Task(
            id: id, title: title, body: "Do the work described for part \(index).", role: index % 3 == 0 ? "backend-dev" : nil,
            priority: index % 5, deps: deps, labels: ["bench"], created: created))
    }
    try store.apply(.add(tasks))
    return tasks.map(\.id)
}
