import Foundation
import GitKit

/// The queue's test worktrees, kept between candidates and between runs so that builds stay
/// warm: `.git/orch/queue/lane-<n>`, one per candidate tested at once. Each candidate is checked
/// out in a lane with tracked changes and untracked files cleaned away, while ignored files (the
/// project's build caches: `node_modules`, `.build`, `target`) stay. A new lane gets the project
/// setup once (copied files, `orch.setupCommand`) before its first test. `git orch queue gc`, and
/// a team that finishes its work, remove the lanes.
struct TestLane {
    var worktree: ScratchWorktree
    /// The test command's extra environment: the lane's ports.
    var environment: [String: String]
    /// Held while the lane's test runs.
    let slot: PortSlot
}

extension ScratchWorktree {
    static func lanePath(_ repository: Repository, _ number: Int) -> String { root(repository) + "/lane-\(number)" }

    /// Lane `number` checked out at `commit` (made when missing, reused when there).
    static func lane(_ repository: Repository, number: Int, commit: OID, keep: [String] = []) throws(MergeQueueError) -> ScratchWorktree {
        let path = lanePath(repository, number)
        if let gitDirectory = CheckoutFollower.gitDirectory(ofWorktree: path) {
            let lane = ScratchWorktree(path: path, gitDirectory: gitDirectory, commonDirectory: repository.commonDirectory)
            // Reuse: the candidate replaces whatever the last test left; `clean` without -x keeps
            // ignored files, which is where build caches live.
            let checkout = try lane.git(["checkout", "-q", "--detach", "--force", commit.hex])
            // Files copied in at setup (`keep`, orch.copyFiles) stay too.
            let clean = checkout.status == 0 ? try lane.git(["clean", "-q", "-d", "--force"] + keep.flatMap { ["-e", $0] }) : checkout
            if clean.status == 0 { return lane }
            // A damaged lane (a crash mid-checkout): start it over, setup included.
            lane.remove()
        }
        return try create(repository, commit: commit, at: path)
    }

    /// Removes every lane and leftover scratch checkout; returns the paths removed.
    @discardableResult
    static func removeLanes(_ repository: Repository) -> [String] {
        let root = root(repository)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        var removed: [String] = []
        for name in names.sorted() where name.hasPrefix("lane-") || name.hasPrefix("test-") {
            remove(repository, path: root + "/" + name)
            removed.append(root + "/" + name)
        }
        return removed
    }

    /// git run in this checkout only, whatever GIT_DIR the queue was started with.
    func git(_ arguments: [String]) throws(MergeQueueError) -> Subprocess.Result {
        do {
            return try Subprocess.run("git", arguments, in: path, environment: [
                "GIT_DIR": gitDirectory, "GIT_WORK_TREE": path, "GIT_INDEX_FILE": gitDirectory + "/index", "GIT_TERMINAL_PROMPT": "0",
            ])
        } catch {
            throw .scratchWorktree(error.description)
        }
    }
}

extension MergeQueue {
    /// `git orch queue gc`: removes the kept test lanes (their build caches with them). Refused
    /// while a `queue run` holds the run lock. Returns the paths removed.
    public func removeTestLanes() throws(MergeQueueError) -> [String] {
        try holdRunLock()
        return ScratchWorktree.removeLanes(repository)
    }

    /// The project setup as configured (git config, else a mission's values in the environment).
    func projectSetup() throws(MergeQueueError) -> ProjectSetup {
        do { return try ProjectSetup.load(RuntimeConfig.load(in: repository.workingDirectory ?? repository.commonDirectory)) } catch {
            throw .setup(error.description)
        }
    }

    /// One lane per commit, each checked out at its commit, prepared, with its own ports.
    func lanes(for commits: [OID]) throws(MergeQueueError) -> [TestLane] {
        let setup = try projectSetup()
        let paths = RuntimePaths(repository: repository)
        var lanes: [TestLane] = []
        for (number, commit) in commits.enumerated() {
            let worktree = try ScratchWorktree.lane(repository, number: number, commit: commit, keep: setup.copyFiles)
            let slot: PortSlot
            do { slot = try PortSlot.acquire(in: paths.portSlots, owner: "queue lane \(number)") } catch { throw .setup(error.description) }
            let environment = setup.portEnvironment(slot: slot.number)
            do {
                _ = try setup.prepare(
                    worktree: worktree.path, gitDirectory: worktree.gitDirectory, from: repository.workingDirectory ?? worktree.path,
                    environment: environment.merging([
                        "GIT_DIR": worktree.gitDirectory, "GIT_WORK_TREE": worktree.path, "GIT_ORCH_QUEUE_TEST": "1",
                    ]) { $1 })
            } catch {
                throw .setup(error.description)
            }
            lanes.append(TestLane(worktree: worktree, environment: environment, slot: slot))
        }
        return lanes
    }
}
