import CLibgit2

/// An error reported by libgit2, captured in the same synchronous call that failed
/// (libgit2 keeps its last error in thread-local storage).
public struct GitError: Error, CustomStringConvertible, Sendable, Equatable {
    /// libgit2's return code (`GIT_ENOTFOUND`, `GIT_ELOCKED`, ...), negative.
    public let code: Int32
    /// libgit2's error class (`GIT_ERROR_REFERENCE`, ...), 0 when none was set.
    public let errorClass: Int32
    public let message: String
    /// The libgit2 function that failed.
    public let function: String

    public init(code: Int32, errorClass: Int32, message: String, function: String) {
        self.code = code
        self.errorClass = errorClass
        self.message = message
        self.function = function
    }

    public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }
    public var isLocked: Bool { code == GIT_ELOCKED.rawValue }
    public var isModified: Bool { code == GIT_EMODIFIED.rawValue }
    public var isExists: Bool { code == GIT_EEXISTS.rawValue }

    public var description: String { "\(message) (\(function), libgit2 code \(code))" }

    /// Reads libgit2's thread-local last error. Call it right after the failing call.
    static func last(code: Int32, function: String) -> GitError {
        if let error = git_error_last(), let text = error.pointee.message {
            return GitError(code: code, errorClass: error.pointee.klass, message: String(cString: text), function: function)
        }
        return GitError(code: code, errorClass: 0, message: "libgit2 call failed", function: function)
    }
}

/// Initialises libgit2 once per process, lazily and thread-safely (a Swift global).
///
/// Strict object creation is turned off: with it, every tree write looks up each entry's object
/// (a file lookup per entry, ~250 per state update), and GitKit only ever points trees and
/// commits at objects it has just written or read.
let libgit2Initialized: Void = {
    git_libgit2_init()
    git_orch_set_strict_object_creation(0)
    git_orch_allow_worktree_config_extension()
}()

/// Throws a `GitError` when a libgit2 call returned a negative code.
@discardableResult
func check(_ result: Int32, _ function: String) throws(GitError) -> Int32 {
    guard result < 0 else { return result }
    throw GitError.last(code: result, function: function)
}
