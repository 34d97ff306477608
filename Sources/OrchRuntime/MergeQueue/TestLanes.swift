import Foundation
import GitKit
import ProcessKit

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

    /// A kept lane after `reuseLane`.
    enum Reused: Sendable {
        case ready(ScratchWorktree)
        case missing
        /// Its checkout failed (a crash mid-checkout): to be removed and made again, setup included.
        case damaged(ScratchWorktree)
    }

    /// The lane at `path`, when it exists, checked out at `commit`. Touches only that lane's
    /// checkout and its own git directory, and no libgit2 handle, so several lanes can be reused
    /// at once; making or removing one (`git worktree add`, `remove`) cannot.
    static func reuseLane(at path: String, commonDirectory: String, commit: OID, keep: [String]) throws(MergeQueueError) -> Reused {
        guard let gitDirectory = CheckoutFollower.gitDirectory(ofWorktree: path) else { return .missing }
        let lane = ScratchWorktree(path: path, gitDirectory: gitDirectory, commonDirectory: commonDirectory)
        // Reuse: the candidate replaces whatever the last test left; `clean` without -x keeps
        // ignored files, which is where build caches live.
        let checkout = try lane.git(["checkout", "-q", "--detach", "--force", commit.hex])
        // Files copied in at setup (`keep`, orch.copyFiles) stay too.
        let clean = checkout.status == 0 ? try lane.git(["clean", "-q", "-d", "--force"] + keep.flatMap { ["-e", $0] }) : checkout
        return clean.status == 0 ? .ready(lane) : .damaged(lane)
    }

    /// Removes every lane and leftover scratch checkout; returns the paths removed.
    @discardableResult
    static func removeLanes(_ repository: Repository) -> [String] {
        let root = root(repository)
        // No folder yet: no lanes.
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
        do { return try ProjectSetup.load(RuntimeConfig.read(in: repository.workingDirectory ?? repository.commonDirectory)) } catch {
            throw .setup(error.description)
        }
    }

    /// One lane per commit, each checked out at its commit, prepared, with its own ports. Kept
    /// lanes are checked out all at once (each its own checkout and index); missing ones are made
    /// one after the other, since concurrent `git worktree add`s break each other's records.
    func lanes(for commits: [OID]) throws(MergeQueueError) -> [TestLane] {
        let setup = try projectSetup()
        let paths = RuntimePaths(repository: repository)
        let reused = LaneSlots(count: commits.count)
        let lanePaths = commits.indices.map { ScratchWorktree.lanePath(repository, $0) }
        let commonDirectory = repository.commonDirectory
        let keep = setup.copyFiles
        LaneThreads.perform(commits.count) { number in
            reused.set(number, Result { () throws(MergeQueueError) in
                try ScratchWorktree.reuseLane(at: lanePaths[number], commonDirectory: commonDirectory, commit: commits[number], keep: keep)
            })
        }
        var lanes: [TestLane] = []
        for (number, commit) in commits.enumerated() {
            let worktree: ScratchWorktree
            switch try reused.get(number).get() {
            case .ready(let lane): worktree = lane
            case .missing: worktree = try ScratchWorktree.create(repository, commit: commit, at: lanePaths[number])
            case .damaged(let lane):
                lane.remove()
                worktree = try ScratchWorktree.create(repository, commit: commit, at: lanePaths[number])
            }
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

/// What concurrent lane checkouts found, one slot each.
private final class LaneSlots: @unchecked Sendable {
    private var slots: [Result<ScratchWorktree.Reused, MergeQueueError>]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: .success(.missing), count: count) }
    func set(_ index: Int, _ value: Result<ScratchWorktree.Reused, MergeQueueError>) { lock.withLock { slots[index] = value } }
    func get(_ index: Int) -> Result<ScratchWorktree.Reused, MergeQueueError> { lock.withLock { slots[index] } }
}
