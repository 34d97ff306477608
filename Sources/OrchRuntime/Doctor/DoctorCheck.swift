/// One line of `git orch doctor`: what was checked, what was found and, when it is not fine, what
/// to do about it.
public struct DoctorCheck: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable {
        case ok, warning, failed
    }

    /// A short name: `git`, `libgit2`, `repository`, `agent claude`, `sandbox`, ...
    public var name: String
    public var status: Status
    /// What was found (a version, a path, a value).
    public var detail: String
    /// What to do, when the status is not ok.
    public var fix: String?

    public init(_ name: String, _ status: Status, _ detail: String, fix: String? = nil) {
        self.name = name
        self.status = status
        self.detail = detail
        self.fix = fix
    }

    public static func ok(_ name: String, _ detail: String) -> DoctorCheck { DoctorCheck(name, .ok, detail) }
    public static func warning(_ name: String, _ detail: String, fix: String) -> DoctorCheck { DoctorCheck(name, .warning, detail, fix: fix) }
    public static func failed(_ name: String, _ detail: String, fix: String) -> DoctorCheck { DoctorCheck(name, .failed, detail, fix: fix) }

    /// `git orch start` would fail because of this.
    public var blocksStart: Bool { status == .failed }
}
