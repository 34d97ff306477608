public import OrchStore
import OrchModel

/// Why the runtime could not do what it was asked.
public enum RuntimeError: Error, Sendable, Equatable {
    /// A `git config` key with a value we cannot use.
    case config(String, String)
    case invalidInput(String)
    case store(StoreError)
    /// A git command that failed: the arguments and what git said.
    case git([String], String)
    case agent(String)
    case alreadyRunning(pid: Int32)
    case notRunning
    case control(String)
    case io(String, String)
}

extension RuntimeError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .config(let key, let message): "git config \(key): \(message)"
        case .invalidInput(let message): message
        case .store(let error): error.description
        case .git(let arguments, let message): "git \(arguments.joined(separator: " ")) failed: \(message)"
        case .agent(let message): message
        case .alreadyRunning(let pid):
            "a supervisor is already running in this repository (pid \(pid)); see 'git orch status', or stop it with 'git orch stop'"
        case .notRunning: "no supervisor is running in this repository; start one with 'git orch start'"
        case .control(let message): "supervisor: \(message)"
        case .io(let path, let message): "\(path): \(message)"
        }
    }
}

extension RuntimeError {
    init(_ error: GraphError) { self = .store(.graph(error)) }
}

@discardableResult
public func store<T>(_ body: () throws(StoreError) -> T) throws(RuntimeError) -> T {
    do { return try body() } catch { throw .store(error) }
}
