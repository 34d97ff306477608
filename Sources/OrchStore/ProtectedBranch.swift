public import GitKit

/// The branch the merge queue protects (short name, e.g. `main`): `orch.mainBranch`, else the
/// remote's default branch (`refs/remotes/origin/HEAD`), else `main` or `master` when it exists,
/// else the branch the main repository's HEAD names. HEAD comes last because switching branches
/// in the main worktree must not switch which branch is protected.
public enum ProtectedBranch {
    public static func name(in repository: Repository) -> String {
        if let configured = try? repository.configString("orch.mainBranch"), !configured.isEmpty { return configured }
        return defaultName(repository)
    }

    /// The protected branch when `orch.mainBranch` is unset.
    public static func defaultName(_ repository: Repository) -> String {
        if let remote = symbolicTarget(repository.commonDirectory + "/refs/remotes/origin/HEAD", prefix: "refs/remotes/origin/"),
           (try? repository.referenceTarget("refs/heads/" + remote)) != nil {
            return remote
        }
        for name in ["main", "master"] where (try? repository.referenceTarget("refs/heads/" + name)) != nil { return name }
        return symbolicTarget(repository.commonDirectory + "/HEAD", prefix: "refs/heads/") ?? "main"
    }

    /// The target of a symbolic ref file (`ref: refs/heads/main`) without `prefix`. Read as a file:
    /// symbolic refs are never packed, and GitKit has no call for them.
    private static func symbolicTarget(_ path: String, prefix: String) -> String? {
        guard let bytes = LocalFiles.read(path) else { return nil }
        var line = Substring(String(decoding: bytes, as: UTF8.self))
        while line.first?.isWhitespace == true { line.removeFirst() }
        while line.last?.isWhitespace == true { line.removeLast() }
        guard line.hasPrefix("ref: " + prefix) else { return nil }
        return String(line.dropFirst(("ref: " + prefix).count))
    }
}
