import GitKit
import OrchModel
package import OrchStore

/// Errors a command reports: one line on stderr and an exit status.
package enum CLIError: Error, CustomStringConvertible {
    case store(StoreError)
    case notARepository(String)
    case input(String)
    /// Nothing could be claimed (exit status 1, as documented for `claim`); not an error.
    case nothingClaimable(String)
    /// Output was printed but part of the state could not be read (exit status 2).
    case partial(String)
    /// Ends the command with this status and no message (the output already said it all).
    case exit(Int32)

    package var description: String {
        switch self {
        case .exit(let status): "exit status \(status)"
        case .store(let error): error.description
        case .notARepository(let path): "not a git repository (or any parent up to /): \(path)"
        case .input(let message), .nothingClaimable(let message), .partial(let message): message
        }
    }

    /// As git does: 128 for a fatal error; 1 and 2 keep their own meanings so scripts can tell
    /// "no work" and "damaged state" from a failure.
    package var exitCode: Int32 {
        switch self {
        case .nothingClaimable: 1
        case .partial: 2
        case .exit(let status): status
        default: 128
        }
    }
}

extension CLIError {
    init(_ error: GraphError) { self = .store(.graph(error)) }
}
