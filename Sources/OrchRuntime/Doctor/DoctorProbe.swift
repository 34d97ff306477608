#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ProcessKit

/// Runs a short probe (`claude --version`, `bwrap ... true`) with a time limit, so a tool that
/// waits for input or hangs cannot hang `git orch doctor`.
public enum DoctorProbe {
    public struct Result: Sendable {
        public var status: Int32
        /// Standard output and error together, trimmed.
        public var output: String
    }

    /// nil when it could not start or did not finish within `seconds`.
    public static func run(_ executable: String, _ arguments: [String], seconds: Double = 10,
                           environment: [String: String] = [:]) -> Result? {
        let outputPath = NSTemporaryDirectory() + "git-orch-probe-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(outputPath) }
        var options = ProcessSpawner.Options()
        options.stdin = .null
        options.stdout = .path(outputPath, flags: O_WRONLY | O_CREAT | O_TRUNC)
        options.stderr = .path(outputPath, flags: O_WRONLY | O_CREAT | O_APPEND)
        options.newSession = true
        options.environment = environment
        guard let pid = try? ProcessSpawner.spawn(executable, arguments, options) else { return nil }
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let status = ProcessSpawner.wait(pid, block: false) {
                let data = FileManager.default.contents(atPath: outputPath) ?? Data()
                return Result(status: status, output: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            }
            usleep(20_000)
        }
        kill(-pid, SIGKILL)
        _ = ProcessSpawner.wait(pid, block: true)
        return nil
    }
}
