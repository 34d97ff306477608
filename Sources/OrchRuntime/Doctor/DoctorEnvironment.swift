#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What the checks read from outside the repository: environment variables, who we run as, the
/// home folder, and where git-orch's own executables are. A value, so tests can give their own.
public struct DoctorEnvironment: Sendable {
    public var variables: [String: String]
    public var isRoot: Bool
    public var home: String

    public init(variables: [String: String], isRoot: Bool, home: String) {
        self.variables = variables
        self.isRoot = isRoot
        self.home = home
    }

    public static var current: DoctorEnvironment {
        let variables = ProcessInfo.processInfo.environment
        return DoctorEnvironment(variables: variables, isRoot: geteuid() == 0, home: variables["HOME"] ?? NSHomeDirectory())
    }

    /// The absolute path of `name` as a worker would find it (PATH), or nil. A name with a slash
    /// is checked as it is.
    public func executable(_ name: String) -> String? {
        AgentPreflight.locate(name, path: variables["PATH"] ?? "")
    }

    /// A variable that is set to something.
    public func isSet(_ name: String) -> Bool { !(variables[name] ?? "").isEmpty }
}
