import Foundation

/// `orch.sandbox`: whether agents run inside a bubblewrap sandbox.
public enum SandboxMode: String, Sendable, CaseIterable {
    /// bubblewrap when it is installed and works here, else unconfined with a warning.
    case auto
    /// bubblewrap or nothing: `start` refuses when it cannot confine the agents.
    case bwrap
    /// Agents run as the user, unconfined.
    case off

    static let key = "orch.sandbox"

    init(_ config: RuntimeConfig) throws(RuntimeError) {
        let text = (config.string(Self.key) ?? "auto").trimmingCharacters(in: .whitespaces).lowercased()
        guard let mode = SandboxMode(rawValue: text) else {
            throw .config(Self.key, "'\(text)' is not one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = mode
    }
}

/// How a worker's agents actually run: what `status` and the dashboard show.
public enum Confinement: Sendable, Equatable, CustomStringConvertible {
    case bubblewrap(executable: String)
    case unconfined(reason: String)

    public var isConfined: Bool { if case .bubblewrap = self { true } else { false } }

    /// "sandbox: bwrap" or "unconfined: <why>".
    public var description: String {
        switch self {
        case .bubblewrap: "sandbox: bwrap"
        case .unconfined(let reason): "unconfined: \(reason)"
        }
    }

    /// The supervisor decides once per start and hands the decision to its workers in this variable.
    static let environmentKey = "GIT_ORCH_SANDBOX"

    var environmentValue: String {
        switch self {
        case .bubblewrap(let executable): "bwrap:" + executable
        case .unconfined(let reason): "off:" + reason
        }
    }

    init?(environmentValue text: String) {
        if text.hasPrefix("bwrap:"), text.count > 6 { self = .bubblewrap(executable: String(text.dropFirst(6))) }
        else if text.hasPrefix("off:") { self = .unconfined(reason: String(text.dropFirst(4))) }
        else { return nil }
    }
}
