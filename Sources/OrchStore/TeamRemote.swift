#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials
public import GitKit

/// Whether this clone's team runs on a remote, and which machine this is.
///
/// A team is on a remote when `GIT_ORCH_REMOTE` is set (what `git orch start --remote R` hands to
/// its workers and queue runner) or `git config orch.claimRemote` names a remote. Then claims and
/// the other task-graph operations, and merge-queue and machine writes, count only once pushed.
public enum TeamRemote {
    public static let environmentKey = "GIT_ORCH_REMOTE"

    /// The team's remote name, or nil when the team is local.
    public static func name(in repository: Repository) -> String? {
        if let named = ProcessInfo.processInfo.environment[environmentKey], !named.isEmpty { return named }
        guard let configured = (try? repository.configString("orch.claimRemote")) ?? nil, !configured.isEmpty else { return nil }
        return configured
    }

    /// The team's remote, nil when the team is local; a name git-orch cannot use is an error.
    public static func configured(in repository: Repository) throws(StoreError) -> RemoteGit? {
        guard let name = name(in: repository) else { return nil }
        return try RemoteGit(remote: name, repository: repository)
    }

    /// This machine's name in the team: `orch.machine`, else the host name. Two clones on one
    /// host that join one team need different `orch.machine` values.
    public static func machine(in repository: Repository) -> String {
        if let configured = (try? repository.configString("orch.machine")) ?? nil, !configured.isEmpty { return configured }
        return hostName()
    }

    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
