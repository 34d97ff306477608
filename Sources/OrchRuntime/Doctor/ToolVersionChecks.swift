import Foundation
import GitKit

/// git (the CLI workers and the merge queue run) and libgit2 (what git-orch links).
public enum ToolVersionChecks {
    /// git 2.38 has everything workers use (`worktree add`, `merge-tree --write-tree`).
    static let minimumGit = [2, 38]

    public static func checks(environment: DoctorEnvironment) -> [DoctorCheck] {
        [git(environment: environment), .ok("libgit2", LibGit2.version)]
    }

    static func git(environment: DoctorEnvironment) -> DoctorCheck {
        guard let path = environment.executable("git") else {
            return .failed("git", "git is not on PATH", fix: "install git (apt-get install git)")
        }
        guard let result = DoctorProbe.run(path, ["--version"]), result.status == 0 else {
            return .failed("git", "\(path) --version failed", fix: "reinstall git")
        }
        let version = result.output.replacingOccurrences(of: "git version ", with: "")
        let numbers = version.split(separator: ".").prefix(2).compactMap { Int($0.prefix { $0.isNumber }) }
        if numbers.count == 2, numbers.lexicographicallyPrecedes(minimumGit) {
            return .warning("git", version, fix: "git \(minimumGit.map(String.init).joined(separator: ".")) or newer is needed for conflict prediction and the merge queue")
        }
        return .ok("git", version)
    }
}
