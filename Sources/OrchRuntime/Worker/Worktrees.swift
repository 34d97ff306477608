#if canImport(Glibc)
import Glibc
#endif
import Foundation
public import GitKit
public import OrchModel

/// Each worker's git worktree, on its own branch `orch/<name>`, under `.git/orch/worktrees/`.
public struct Worktrees {
    /// The main working tree (where the user's repository is checked out).
    let repositoryRoot: String
    let paths: RuntimePaths

    public init(repositoryRoot: String, paths: RuntimePaths) {
        self.repositoryRoot = repositoryRoot
        self.paths = paths
    }

    /// The branch workers start from and the queue merges into: the merge queue's protected
    /// branch (`orch.mainBranch`, else the remote's default, `main`, `master`, or HEAD's branch).
    public static func mainBranch(of repository: Repository) throws(RuntimeError) -> String {
        let branch = MergeQueueConfiguration.load(from: repository).mainBranch
        let tip: OID?
        do { tip = try repository.referenceTarget("refs/heads/" + branch) } catch {
            throw .invalidInput("cannot read the branch '\(branch)': \(error.description)")
        }
        guard tip != nil else {
            throw .invalidInput("the branch '\(branch)' has no commit yet; commit something first (workers start from it), or set 'git config orch.mainBranch <branch>'")
        }
        return branch
    }

    /// Makes sure the worker's worktree exists on its branch and returns its path. A new branch
    /// starts at `base`; an existing branch (a restart, or a clone that fetched it) is reused.
    public func ensure(_ worker: WorkerRecord, base: String) throws(RuntimeError) -> String {
        let path = paths.worktree(worker.name)
        let git = GitCLI(directory: repositoryRoot)
        if FileManager.default.fileExists(atPath: path + "/.git") {
            // Fails (exit 1) on a detached HEAD, which the error below names.
            let branch = try? GitCLI(directory: path).output(["symbolic-ref", "--short", "-q", "HEAD"])
            if branch == worker.branch { return path }
            throw .invalidInput("\(path) is checked out on '\(branch ?? "a detached HEAD")', not \(worker.branch); move it away or run 'git worktree remove \(path)'")
        }
        guard git.succeeds(["rev-parse", "--verify", "-q", base + "^{commit}"]) else {
            throw .invalidInput("the branch '\(base)' has no commit yet; commit something first (workers start from it)")
        }
        try FileManager.default.createDirectory(atPath: paths.worktrees, withIntermediateDirectories: true)
        // One at a time: workers starting together would otherwise race `worktree prune` against
        // each other's `worktree add` (and git's own locks), and one would fail.
        let lock = open(paths.worktrees + "/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if lock >= 0 { flock(lock, LOCK_EX) }
        defer { if lock >= 0 { flock(lock, LOCK_UN); close(lock) } }
        if FileManager.default.fileExists(atPath: path + "/.git") { return path }
        try git.run(["worktree", "prune"])
        if git.succeeds(["rev-parse", "--verify", "-q", "refs/heads/\(worker.branch)"]) {
            try git.run(["worktree", "add", "-q", path, worker.branch])
        } else {
            try git.run(["worktree", "add", "-q", "-b", worker.branch, path, base])
        }
        return path
    }
}

extension FileManager {
    func createDirectory(atPath path: String, withIntermediateDirectories: Bool) throws(RuntimeError) {
        do {
            try createDirectory(atPath: path, withIntermediateDirectories: withIntermediateDirectories, attributes: nil)
        } catch {
            throw .io(path, "cannot create the folder (\(error.localizedDescription))")
        }
    }
}
