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
            return Context(store: try TaskStore.discover(from: directory), console: Console.current)
        } catch {
            if case .git(let gitError) = error, gitError.isNotFound { throw .notARepository(directory) }
            throw .store(error)
        }
    }

    func snapshot() throws(CLIError) -> GraphSnapshot {
        do { return try store.snapshot() } catch { throw .store(error) }
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

    /// Warns about unreadable task files on stderr; the caller exits 2 after printing the rest.
    func reportCorruption(in snapshot: GraphSnapshot) throws(CLIError) {
        guard !snapshot.corrupt.isEmpty else { return }
        for entry in snapshot.corrupt.dropLast() {
            console.writeError("git-orch: warning: \(StateRefs.graph):\(entry.path): \(entry.reason)")
        }
        let last = snapshot.corrupt.last!
        throw .partial("\(StateRefs.graph):\(last.path): \(last.reason); other tasks shown")
    }
}

func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
