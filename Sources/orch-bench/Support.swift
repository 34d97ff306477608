import Foundation
import GitKit
import OrchModel
import OrchStore
import ProcessKit

/// Runs programs without a shell and times things.
enum Shell {
    struct Result { var status: Int32; var output: String }

    /// ProcessKit's posix_spawn runner (Subprocess): Foundation's Process costs tens of milliseconds per child
    /// here, which would swamp the figures being measured.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in directory: String, input: Data? = nil, discardOutput: Bool = false) throws -> Result {
        let result = try Subprocess.run(executable, arguments, in: directory, input: input.map { Array($0) } ?? [], discardOutput: discardOutput)
        return Result(status: result.status, output: result.output)
    }

    @discardableResult
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
