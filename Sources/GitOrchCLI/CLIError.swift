import GitKit
import OrchModel
import OrchStore

/// Errors a command reports: one line on stderr and an exit status.
enum CLIError: Error, CustomStringConvertible {
    case store(StoreError)
    case notARepository(String)
    case input(String)
    /// Nothing could be claimed (exit status 1, as documented for `claim`).
    case nothingClaimable(String)
    /// Output was printed but part of the state could not be read (exit status 2).
    case partial(String)

    var description: String {
        switch self {
        case .store(let error): error.description
        case .notARepository(let path): "not a git repository (or any parent up to /): \(path)"
        case .input(let message), .nothingClaimable(let message), .partial(let message): message
        }
    }

    var exitCode: Int32 {
        switch self {
        case .partial: 2
        default: 1
        }
    }
}

extension CLIError {
    init(_ error: GraphError) { self = .store(.graph(error)) }
}
