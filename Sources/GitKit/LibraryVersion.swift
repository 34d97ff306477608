import CLibgit2

/// The libgit2 this process is linked against (what `git orch doctor` reports next to git's).
public enum LibGit2 {
    public static var version: String {
        _ = libgit2Initialized
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        git_libgit2_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }
}
