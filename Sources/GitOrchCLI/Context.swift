#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GitKit
import OrchModel
import OrchStore

/// What every command starts from: the store of the repository around the working directory.
struct Context {
    let store: TaskStore
    let console: Console
    var style: Style { Style(enabled: console.usesColor) }

    static func open() throws(CLIError) -> Context {
        let directory = currentDirectory()
        do {
            let store = try TaskStore.discoverFromEnvironment()
            ProcessLifetime.keep(store)
            return Context(store: store, console: Console.current)
        } catch {
            if case .git(let gitError) = error, gitError.isNotFound { throw .notARepository(directory) }
            throw .store(error)
        }
    }

    func snapshot() throws(CLIError) -> GraphSnapshot {
        do { return try store.snapshot() } catch { throw .store(error) }
    }

    /// The ready tasks for `role` in claim order, and the graph's unreadable entries.
    func readyTasks(for role: String?) throws(CLIError) -> (tasks: [Task], corrupt: [CorruptEntry]) {
        do { return try store.readyTasks(for: role) } catch { throw .store(error) }
    }

    @discardableResult
    func apply(_ operation: GraphOperation) throws(CLIError) -> TaskStore.Applied {
        do { return try store.apply(operation) } catch { throw .store(error) }
    }

    /// Resolves an id or prefix; a prefix naming a corrupt task file reports that file.
    func resolve(_ text: String, in snapshot: GraphSnapshot) throws(CLIError) -> TaskID {
        do {
            return try snapshot.graph.resolve(text)
        } catch {
            if case .unknownTask = error, let broken = snapshot.corruptEntry(matching: text) {
                throw .store(.corruptEntry(path: broken.path, reason: broken.reason))
            }
            throw CLIError(error)
        }
    }

    /// Reports damage found while listing (unreadable task files, and with `cycles` a dependency
    /// cycle stored by a hand edit or a bad merge) on stderr; the caller exits 2 after printing.
    func reportCorruption(in snapshot: GraphSnapshot, cycles: Bool = false) throws(CLIError) {
        var cycle: String?
        if cycles, let found = snapshot.graph.storedCycle() {
            cycle = "\(StateRefs.graph): dependency cycle \(found.map { snapshot.graph.describe($0) }.joined(separator: " -> ")); its tasks are listed last and can never be ready"
        }
        try reportCorruption(snapshot.corrupt, cycle: cycle)
    }

    /// Reports unreadable task files (and a stored cycle, described) as `reportCorruption(in:)` does.
    func reportCorruption(_ corrupt: [CorruptEntry], cycle: String? = nil) throws(CLIError) {
        var problems = corrupt.map { "\(StateRefs.graph):\($0.path): \($0.reason)" }
        if let cycle { problems.append(cycle) }
        guard let last = problems.popLast() else { return }
        for problem in problems { console.writeError("git-orch: warning: \(problem)") }
        throw .partial(last + (corrupt.isEmpty ? "" : "; other tasks shown"))
    }
}

/// Objects kept until the process exits. Tearing down a 100k-task snapshot at the end of a command
/// costs tens of milliseconds of frees that the operating system does for nothing at exit.
enum ProcessLifetime {
    nonisolated(unsafe) private static var kept: [AnyObject] = []
    static func keep(_ object: AnyObject) { kept.append(object) }
}

func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
