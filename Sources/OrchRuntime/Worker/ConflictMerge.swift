import Foundation
import GitKit
import OrchModel
import ProcessKit

/// Prepares a worker's branch for its agent to resolve the conflicts the merge queue met: the
/// branch is merged with the new main and the result is committed with the conflict markers in
/// place (a commit rather than a half-done merge in the worktree: it survives a worker restart,
/// the agent's changes show as changes, and an agent that does nothing changes nothing). The
/// conflicted paths are named in the commit message (`Orch-Conflict-Path:` lines), so that work with
/// markers left in them is never handed to the queue.
struct ConflictMerge {
    let worktree: String
    let mainBranch: String
    let branch: String

    static let trailer = "Orch-Conflict-Path: "

    /// Merges main into the branch, commits the outcome, and returns what the agent must be told:
    /// which files conflict, and which commits on main changed them.
    func prepare() throws(RuntimeError) -> String {
        let git = GitCLI(directory: worktree)
        let base = try git.output(["merge-base", "HEAD", mainBranch])
        let merge = try git.run(["merge", "--no-ff", "--no-commit", "--no-edit", mainBranch], allowFailure: true)
        let conflicted = try git.output(["diff", "--name-only", "-z", "--diff-filter=U"])
            .split(separator: "\0").map(String.init)
        guard merge.status == 0 || !conflicted.isEmpty else {
            throw .git(["merge", mainBranch], merge.errorOutput.split(separator: "\n").last.map(String.init) ?? "exit status \(merge.status)")
        }
        try git.run(["add", "-A"])
        let message = "Merge \(mainBranch) into \(branch)"
            + (conflicted.isEmpty ? "\n" : "; conflicts left for the agent to resolve\n\n" + conflicted.map { Self.trailer + $0 + "\n" }.joined())
        let identity = try WorkCommitter(worktree: worktree, denyPatterns: []).identityFallback(git)
        try git.run(["commit", "-q", "--no-verify", "-m", message], environment: identity)
        guard !conflicted.isEmpty else {
            return "Your branch has been merged with the new \(mainBranch) without conflicts this time; check that the work still "
                + "does what the task asks and that the tests pass."
        }
        let changes = try git.output(["log", "--format=%h %s", "-n", "10", "\(base)..\(mainBranch)", "--"] + conflicted)
        return """
            Your previous work was not thrown away: your branch has been merged with the new \(mainBranch), and the \
            conflicts are committed with their markers (<<<<<<< yours, ======= and >>>>>>> \(mainBranch)'s) in:
            \(conflicted.map { "- \($0)" }.joined(separator: "\n"))

            They conflict because \(mainBranch) changed the same lines since your branch started:
            \(changes.isEmpty ? "(see git log \(base.prefix(12))..\(mainBranch))" : changes.split(separator: "\n").map { "- \($0)" }.joined(separator: "\n"))

            Resolve each conflict so that both changes' intent is kept, remove every marker line, and make \
            the tests pass; do not start the task over. The merge queue tests the result again.
            """
    }

    /// Paths named by `Orch-Conflict-Path:` lines in the branch's commits since main that still hold a
    /// conflict marker line in the branch's tip.
    static func pathsWithMarkers(worktree: String, mainBranch: String) throws(RuntimeError) -> [String] {
        let git = GitCLI(directory: worktree)
        let messages = try git.output(["log", "--format=%B", "\(mainBranch)..HEAD"])
        let paths = Set(messages.split(separator: "\n").filter { $0.hasPrefix(trailer) }.map { String($0.dropFirst(trailer.count)) })
        guard !paths.isEmpty else { return [] }
        var left: [String] = []
        for path in paths.sorted() {
            guard git.succeeds(["cat-file", "-e", "HEAD:" + path]) else { continue }  // resolved by deleting it
            let text = try git.output(["show", "HEAD:" + path])
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.contains(where: { $0.hasPrefix("<<<<<<< ") || $0.hasPrefix(">>>>>>> ") || $0 == "<<<<<<<" || $0 == ">>>>>>>" }) {
                left.append(path)
            }
        }
        return left
    }
}
