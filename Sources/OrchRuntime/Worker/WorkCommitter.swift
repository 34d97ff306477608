#if canImport(Glibc)
import Glibc
#endif
import GitKit
import ProcessKit

/// Commits what an agent changed in a worktree, keeping secrets out: files matching the
/// deny-list stay on disk but are never staged.
struct WorkCommitter {
    let worktree: String
    let denyPatterns: [String]

    struct Result: Equatable {
        /// The new commit, or nil when there was nothing to commit.
        var commit: String?
        var withheld: [String]
    }

    func commit(message: String) throws(RuntimeError) -> Result {
        let git = GitCLI(directory: worktree)
        try git.run(["add", "-A"])
        let staged = try git.run(["diff", "--cached", "--name-only", "-z"]).stdout
            .split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        let withheld = staged.filter(isDenied)
        if !withheld.isEmpty { try git.run(["reset", "-q", "--"] + withheld) }
        guard !git.succeeds(["diff", "--cached", "--quiet"]) else { return Result(commit: nil, withheld: withheld) }
        try git.run(["commit", "-q", "-m", message], environment: try identityFallback(git))
        return Result(commit: try git.output(["rev-parse", "HEAD"]), withheld: withheld)
    }

    /// Whether `path` (relative, slash-separated) matches a deny pattern: patterns with a slash
    /// match the whole path, others any single path component.
    func isDenied(_ path: String) -> Bool {
        let components = path.split(separator: "/").map(String.init)
        for pattern in denyPatterns where !pattern.isEmpty {
            if pattern.contains("/") {
                if fnmatch(pattern, path, 0) == 0 { return true }
            } else if components.contains(where: { fnmatch(pattern, $0, 0) == 0 }) {
                return true
            }
        }
        return false
    }

    /// git refuses to commit without an identity; a fresh machine may have none, so workers fall
    /// back to one naming git-orch rather than failing every task.
    func identityFallback(_ git: GitCLI) throws(RuntimeError) -> [String: String] {
        if git.succeeds(["config", "user.email"]) { return [:] }
        return ["GIT_AUTHOR_NAME": "git-orch", "GIT_AUTHOR_EMAIL": "git-orch@localhost",
                "GIT_COMMITTER_NAME": "git-orch", "GIT_COMMITTER_EMAIL": "git-orch@localhost"]
    }
}
