import Foundation
import GitKit
import GitOrchCLI
import OrchModel
import OrchRuntime
import OrchStore

/// What the queue, conflicts and hooks commands share: the repository git would use here, errors
/// mapped to one line and an exit status, and JSON output with stable key order.
enum QueueCLI {
    static func openRepository() throws(CLIError) -> Repository {
        do {
            return try Repository.discoverFromEnvironment()
        } catch {
            if error.isNotFound { throw .notARepository(FileManager.default.currentDirectoryPath) }
            throw .store(.git(error))
        }
    }

    static func openQueue() throws(CLIError) -> MergeQueue {
        MergeQueue(repository: try openRepository())
    }

    static func call<T>(_ body: () throws(MergeQueueError) -> T) throws(CLIError) -> T {
        do { return try body() } catch {
            if case .store(let store) = error { throw .store(store) }
            throw .input(error.description)
        }
    }

    static func json(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(value)) ?? Data("null".utf8)) + [0x0a]
    }

    static var style: Style { Style(enabled: Console.current.usesColor) }
}
