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
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let path = chosen ?? root + "/test-\(commit.hex.prefix(12))-\(getpid())"
        if FileManager.default.fileExists(atPath: path) { remove(repository, path: path) }
        let result = try runGit(repository.commonDirectory, ["worktree", "add", "--detach", "--quiet", path, commit.hex])
        guard result.status == 0 else {
            throw .scratchWorktree("git worktree add \(path) failed: \(result.errorOutput.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        let link = (try? String(contentsOfFile: path + "/.git", encoding: .utf8)) ?? ""
        let gitDirectory = link.hasPrefix("gitdir: ")
            ? String(link.dropFirst(8)).trimmingCharacters(in: .whitespacesAndNewlines) : path + "/.git"
        return ScratchWorktree(path: path, gitDirectory: gitDirectory, commonDirectory: repository.commonDirectory)
    }

    /// Removes the checkout and git's record of it.
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
