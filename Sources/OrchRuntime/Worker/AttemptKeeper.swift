import Foundation
import GitKit
import OrchModel
import OrchStore
import ProcessKit

/// Keeps a failed attempt's uncommitted work as a commit under `refs/orch-attempts/<task>/<n>`
/// (a child of the worker's branch head, the branch itself untouched) and clears it from the
/// worktree, so the next task starts clean. Never `git stash`: the stash is one stack shared by
/// every worktree of the repository, pushed to by several workers at once.
struct AttemptKeeper {
    let repository: Repository
    let worktree: String
    let denyPatterns: [String]

    struct Kept: Equatable {
        var ref: String
        var commit: String
        /// New files kept on the ref that could not be removed from the worktree.
        var notRemoved: [String] = []
    }

    /// Nil when the worktree had nothing uncommitted (nothing to keep).
    func keep(_ task: TaskID, message: String) throws(RuntimeError) -> Kept? {
        let git = GitCLI(directory: worktree)
        guard !(try git.output(["status", "--porcelain"])).isEmpty else { return nil }
        let gitDirectory = try git.output(["rev-parse", "--absolute-git-dir"])
        // A private index: the worktree's own index and branch stay as they are until the commit exists.
        let index = gitDirectory + "/orch-attempt-index"
        // A leftover of a crashed keeper, usually absent; a stale one would only be overwritten
        // by `read-tree` below.
        try? FileManager.default.removeItem(atPath: index)
        // Cleanup of our own scratch file: one left behind is replaced by the next keeper.
        defer { try? FileManager.default.removeItem(atPath: index) }
        let environment = ["GIT_INDEX_FILE": index]
        try git.run(["read-tree", "HEAD"], environment: environment)
        try git.run(["add", "-A"], environment: environment)
        let staged = try git.run(["diff", "--cached", "--name-only", "-z", "HEAD"], environment: environment).stdout
            .split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        let committer = WorkCommitter(worktree: worktree, denyPatterns: denyPatterns)
        let withheld = staged.filter(committer.isDenied)
        if !withheld.isEmpty { try git.run(["rm", "-q", "--cached", "--ignore-unmatch", "--"] + withheld, environment: environment) }
        let untracked = try git.run(["ls-files", "--others", "--exclude-standard", "-z"]).stdout
            .split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.filter { !committer.isDenied($0) }
        let tree = try git.output(["write-tree"], environment: environment)
        let head = try git.output(["rev-parse", "HEAD"])
        guard tree != (try git.output(["rev-parse", "HEAD^{tree}"])) else { return nil }
        let commit = try git.output(["commit-tree", tree, "-p", head, "-m", message], environment: try committer.identityFallback(git))
        let number: Int
        do { number = try AttemptRefs(repository: repository).nextNumber(for: task) } catch { throw .store(error) }
        let ref = AttemptRefs.ref(task, number)
        // `update-ref REF NEW ""`: only if the ref does not exist yet (two keepers never share a name).
        try git.run(["update-ref", "-m", "git-orch: failed attempt kept", ref, commit, ""])
        // Only now is the work safe on a ref: clear it (tracked changes back to HEAD, the new
        // files it kept removed; ignored files and withheld secrets stay).
        try git.run(["reset", "-q", "--hard", "HEAD"])
        var notRemoved: [String] = []
        for path in untracked {
            do { try FileManager.default.removeItem(atPath: worktree + "/" + path) } catch { notRemoved.append(path) }
        }
        return Kept(ref: ref, commit: commit, notRemoved: notRemoved)
    }

    /// A short diffstat of a kept attempt, for the next attempt's prompt.
    static func diffstat(_ attempt: AttemptRefs.Attempt, in worktree: String, maxLines: Int = 12) -> String {
        // Only an aid for the prompt, which names the attempt's ref either way.
        guard let base = attempt.base,
              let output = try? GitCLI(directory: worktree).output(["diff", "--stat=80", base.hex, attempt.commit.hex]) else { return "" }
        let lines = output.split(separator: "\n").map(String.init)
        guard lines.count > maxLines else { return output }
        return (lines.prefix(maxLines - 1) + ["  ...", lines.last ?? ""]).joined(separator: "\n")
    }
}

extension AttemptKeeper {
    /// For the next attempt's prompt: where earlier attempts' work is kept, with a short diffstat
    /// of the latest (nil when none was kept).
    static func promptNote(for task: TaskID, repository: Repository, worktree: String) throws(RuntimeError) -> String? {
        let attempts: [AttemptRefs.Attempt]
        do { attempts = try AttemptRefs(repository: repository).attempts(of: task) } catch { throw .store(error) }
        guard let latest = attempts.last else { return nil }
        var note = "The work of earlier attempts is kept on refs (not in your worktree):\n"
            + attempts.map { "- \($0.ref): \($0.summary)" }.joined(separator: "\n")
        let stat = diffstat(latest, in: worktree)
        if !stat.isEmpty { note += "\n\nThe latest (`git diff \(latest.ref)^ \(latest.ref)` shows it; `git checkout \(latest.ref) -- PATH` takes a file):\n\n```\n\(stat)\n```" }
        return note
    }
}
