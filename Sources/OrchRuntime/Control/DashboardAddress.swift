#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ProcessKit

/// Where a running dashboard says it is: `.git/orch/run/dashboard.url` holds its pid and URL
/// (readable by the owner only: the URL carries the access token). `git orch dashboard --url` and
/// `start --detach --dashboard` read it; a file whose process is gone counts as no dashboard.
public struct DashboardAddress: Sendable, Equatable {
    public var pid: Int32
    public var url: String

    public init(pid: Int32, url: String) {
        self.pid = pid
        self.url = url
    }

    public static func path(_ paths: RuntimePaths) -> String { paths.run + "/dashboard.url" }

    /// Records this process's dashboard URL.
    public static func publish(_ url: String, paths: RuntimePaths) throws {
        try FileManager.default.createDirectory(atPath: paths.run, withIntermediateDirectories: true)
        let file = path(paths)
        let temporary = file + ".\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data("\(getpid()) \(url)\n".utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw RuntimeError.invalidInput("cannot write \(temporary): \(String(cString: strerror(errno)))")
        }
        guard rename(temporary, file) == 0 else {
            throw RuntimeError.invalidInput("cannot write \(file): \(String(cString: strerror(errno)))")
        }
    }

    /// Removes the record when it is this process's.
    public static func withdraw(paths: RuntimePaths) {
        // Best effort at exit: a record left behind names a dead pid, which `running` ignores.
        if let current = try? read(paths, requireAlive: false), current.pid == getpid() { unlink(path(paths)) }
    }

    /// The running dashboard, or nil when none has published its URL or its process is gone.
    public static func running(_ paths: RuntimePaths) throws -> DashboardAddress? { try read(paths, requireAlive: true) }

    static func read(_ paths: RuntimePaths, requireAlive: Bool) throws -> DashboardAddress? {
        let file = path(paths)
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        let text = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = text.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, let pid = Int32(parts[0]), parts[1].hasPrefix("http") else {
            throw RuntimeError.invalidInput("\(file) is damaged (expected 'PID URL'); remove it and start the dashboard again")
        }
        if requireAlive && !ProcessSpawner.isAlive(pid) { return nil }
        return DashboardAddress(pid: pid, url: String(parts[1]))
    }
}
