import Foundation
import GitKit
import ProcessKit

/// A throw-away checkout of one commit under `.git/orch/queue/`, where the test command runs.
///
/// Made with the git CLI (`git worktree add --detach`): libgit2 1.5 cannot create a detached
/// worktree, and the candidate commit is on no branch.
struct ScratchWorktree {
    let path: String
    /// The worktree's own git directory (`<common dir>/worktrees/<name>`).
    let gitDirectory: String
    let commonDirectory: String

    /// The folder holding scratch worktrees.
    static func root(_ repository: Repository) -> String { RuntimePaths(repository: repository).root + "/queue" }

    static func create(_ repository: Repository, commit: OID, at chosen: String? = nil) throws(MergeQueueError) -> ScratchWorktree {
        let root = root(repository)
        // A folder that cannot be made makes `git worktree add` below fail, saying why.
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let path = chosen ?? root + "/test-\(commit.hex.prefix(12))-\(getpid())"
        if FileManager.default.fileExists(atPath: path) { remove(repository, path: path) }
        let result = try runGit(repository.commonDirectory, ["worktree", "add", "--detach", "--quiet", path, commit.hex])
        guard result.status == 0 else {
            throw .scratchWorktree("git worktree add \(path) failed: \(result.errorOutput.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        // The tests run with GIT_DIR set to it: a guess would test in the wrong repository.
        guard let gitDirectory = CheckoutFollower.gitDirectory(ofWorktree: path) else {
            throw .scratchWorktree("cannot read \(path)/.git, made by git worktree add")
        }
        return ScratchWorktree(path: path, gitDirectory: gitDirectory, commonDirectory: repository.commonDirectory)
    }

    /// Removes the checkout and git's record of it. Best effort: a leftover is removed again by
    /// the next `removeLeftovers` or `create` at the same path, and `worktree prune` forgets it.
    func remove() {
        _ = try? Self.runGit(commonDirectory, ["worktree", "remove", "--force", path])
        try? FileManager.default.removeItem(atPath: path)
        _ = try? Self.runGit(commonDirectory, ["worktree", "prune"])
    }

    static func remove(_ repository: Repository, path: String) {
        ScratchWorktree(path: path, gitDirectory: "", commonDirectory: repository.commonDirectory).remove()
    }

    /// Removes scratch worktrees a crashed run left behind.
    static func removeLeftovers(_ repository: Repository) {
        let root = root(repository)
        // No folder yet: nothing left behind.
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return }
        for name in names where name.hasPrefix("test-") { remove(repository, path: root + "/" + name) }
    }

    private static func runGit(_ commonDirectory: String, _ arguments: [String]) throws(MergeQueueError) -> Subprocess.Result {
        do {
            return try Subprocess.run("git", ["--git-dir=\(commonDirectory)"] + arguments, environment: ["GIT_TERMINAL_PROMPT": "0"])
        } catch {
            throw .scratchWorktree(error.description)
        }
    }
}
