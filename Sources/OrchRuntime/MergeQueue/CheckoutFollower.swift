import Foundation
import GitKit
import ProcessKit

/// Moves the protected branch the way git itself would move a checked-out branch: every worktree
/// that has it checked out (the user's own checkout, usually) is brought along, as
/// `receive.denyCurrentBranch=updateInstead` does for a clean checkout and `git merge --ff-only`
/// does for one with local changes the move does not touch. When local changes overlap the move,
/// the branch stays where it is and the reason says which checkout and which files.
///
/// libgit2 1.5 has no two-tree checkout that keeps local changes, so this uses git's own:
/// `git read-tree -m -u OLD NEW` in the checkout (under that checkout's index lock, refusing to
/// overwrite a local change or an untracked file). The branch still moves by compare-and-swap;
/// a lost race puts the checkouts back with the reverse read-tree.
struct CheckoutFollower {
    let repository: Repository
    var commonDirectory: String { repository.commonDirectory }
    /// `refs/heads/<branch>`
    let branchRef: String
    let branchName: String

    enum Outcome: Equatable {
        case moved
        /// The branch moved under us: nothing changed, the caller tests again.
        case branchMoved
        /// A checkout's local changes overlap the move: nothing changed.
        case held(String)
    }

    /// One checkout of the branch: its work tree and its own git directory.
    struct Checkout: Equatable {
        var path: String
        var gitDirectory: String
    }

    /// Moves the branch from `old` to `new` with `swap` (a compare-and-swap of the ref, returning
    /// whether it won), bringing every checkout of it along first.
    func advance(from old: OID, to new: OID, swap: () throws(MergeQueueError) -> Bool) throws(MergeQueueError) -> Outcome {
        let checkouts = try self.checkouts()
        if checkouts.isEmpty { return try swap() ? .moved : .branchMoved }
        let changed = try changedPaths(from: old, to: new)
        for checkout in checkouts {
            let overlap = try localChanges(in: checkout).filter { changed.contains($0) }.sorted()
            if !overlap.isEmpty { return .held(heldReason(checkout, overlap)) }
        }
        var followed: [Checkout] = []
        for checkout in checkouts {
            let result = try git(checkout, ["read-tree", "-m", "-u", old.hex, new.hex])
            guard result.status == 0 else {
                restore(followed, from: new, to: old)
                let why = Self.firstLine(result.errorOutput) ?? "git read-tree exited \(result.status)"
                return .held("\(branchName) is checked out at \(checkout.path) and cannot follow the merge (\(why)); "
                    + "the merge goes on once that checkout allows it")
            }
            followed.append(checkout)
        }
        if try swap() { return .moved }
        restore(followed, from: new, to: old)
        return .branchMoved
    }

    /// Why the merge waits: the checkout and the files it changed.
    func heldReason(_ checkout: Checkout, _ paths: [String]) -> String {
        let shown = paths.prefix(5).joined(separator: ", ") + (paths.count > 5 ? " and \(paths.count - 5) more" : "")
        return "\(branchName) is checked out at \(checkout.path) with changes to \(shown); "
            + "the merge goes on once they are committed or reverted"
    }

    /// Puts checkouts moved to `from` back to `to` (the branch did not move after all). Best effort:
    /// it is the exact reverse of the move just made, so it fails only if someone edited a moved
    /// file in the instant between, and then that edit is kept rather than overwritten.
    private func restore(_ checkouts: [Checkout], from: OID, to: OID) {
        for checkout in checkouts { _ = try? git(checkout, ["read-tree", "-m", "-u", from.hex, to.hex]) }
    }

    /// The worktrees (main and linked, not bare, still on disk) whose HEAD is the branch.
    func checkouts() throws(MergeQueueError) -> [Checkout] {
        let result = try run(["--git-dir=\(commonDirectory)", "worktree", "list", "--porcelain", "-z"], environment: [:])
        guard result.status == 0 else { throw .checkout("git worktree list: \(Self.firstLine(result.errorOutput) ?? "failed")") }
        var found: [Checkout] = []
        var path: String?
        var branch: String?
        var bare = false
        for field in result.output.split(separator: "\0", omittingEmptySubsequences: false).map(String.init) + [""] {
            if field.isEmpty {
                if let path, branch == branchRef, !bare {
                    if let gitDirectory = Self.gitDirectory(ofWorktree: path) {
                        found.append(Checkout(path: path, gitDirectory: gitDirectory))
                    } else if FileManager.default.fileExists(atPath: path + "/.git") {
                        // Skipping it would move the branch under a checkout left behind.
                        throw .checkout("cannot read \(path)/.git, a checkout of \(branchName)")
                    }
                }
                (path, branch, bare) = (nil, nil, false)
            } else if field.hasPrefix("worktree ") {
                path = String(field.dropFirst("worktree ".count))
            } else if field.hasPrefix("branch ") {
                branch = String(field.dropFirst("branch ".count))
            } else if field == "bare" {
                bare = true
            }
        }
        return found
    }

    /// A work tree's git directory: `.git` itself, or where its `gitdir:` file points; nil when
    /// it has no `.git` or one that cannot be read (callers that must not skip it check which).
    static func gitDirectory(ofWorktree path: String) -> String? {
        let dotGit = path + "/.git"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { return dotGit }
        guard let text = try? String(contentsOfFile: dotGit, encoding: .utf8), text.hasPrefix("gitdir: ") else { return nil }
        let target = String(text.dropFirst("gitdir: ".count)).trimmingCharacters(in: .whitespacesAndNewlines)
        return target.hasPrefix("/") ? target : path + "/" + target
    }

    /// Paths that differ between the two commits' trees (as `git diff-tree -r --no-renames`,
    /// in process: unchanged folders are skipped without being read).
    private func changedPaths(from old: OID, to new: OID) throws(MergeQueueError) -> Set<String> {
        do {
            return Set(try repository.changedPaths(from: try repository.commit(old).tree, to: try repository.commit(new).tree))
        } catch {
            throw .git(error)
        }
    }

    /// Paths with staged, unstaged or untracked (not ignored) changes in the checkout.
    func localChanges(in checkout: Checkout) throws(MergeQueueError) -> [String] {
        let result = try git(checkout, ["status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all"])
        guard result.status == 0 else { throw .checkout("git status in \(checkout.path): \(Self.firstLine(result.errorOutput) ?? "failed")") }
        // Entries are "XY path"; with -z and no renames, one path per entry.
        return result.output.split(separator: "\0").compactMap { entry in entry.count > 3 ? String(entry.dropFirst(3)) : nil }
    }

    /// git pointed at one checkout explicitly, whatever GIT_DIR or GIT_INDEX_FILE this process
    /// inherited (a hook, a test's scratch worktree).
    private func git(_ checkout: Checkout, _ arguments: [String]) throws(MergeQueueError) -> Subprocess.Result {
        try run(arguments, environment: [
            "GIT_DIR": checkout.gitDirectory, "GIT_WORK_TREE": checkout.path, "GIT_COMMON_DIR": commonDirectory,
            "GIT_INDEX_FILE": checkout.gitDirectory + "/index",
        ], in: checkout.path)
    }

    private func run(_ arguments: [String], environment: [String: String], in directory: String? = nil) throws(MergeQueueError) -> Subprocess.Result {
        do {
            return try Subprocess.run("git", arguments, in: directory, environment: environment.merging(["GIT_TERMINAL_PROMPT": "0"]) { a, _ in a })
        } catch {
            throw .checkout(error.description)
        }
    }

    static func firstLine(_ text: String) -> String? {
        text.split(separator: "\n").first.map { String($0).trimmingCharacters(in: .whitespaces) }
    }
}
