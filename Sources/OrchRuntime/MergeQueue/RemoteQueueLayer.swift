import Foundation
import GitKit
import OrchModel
import OrchStore
import ProcessKit

/// The merge queue of a team on a remote, as a layer over `MergeQueue`: before each step it
/// fetches the workers' pushed branches and the shared state, and brings main to the remote's
/// main; a green candidate is published first (its test note, then main pushed with a lease on
/// the tested base) and only then taken locally. A lost race is a re-test, never a stale merge.
/// Only the machine holding the queue lease (`refs/orch/machines`) runs it; the supervisor
/// starts the runner only then, and the runner stops when the lease is someone else's.
public enum RemoteQueueLayer {
    /// Attaches the layer when the team is on a remote; does nothing otherwise.
    public static func attach(to queue: MergeQueue) throws(MergeQueueError) {
        let repository = queue.repository
        guard let remote = try storeCall({ () throws(StoreError) in try TeamRemote.configured(in: repository) }) else { return }
        guard let root = repository.workingDirectory else { return }
        let main = queue.configuration.mainBranch
        let machine = TeamRemote.machine(in: repository)
        let git = GitCLI(directory: root)
        queue.beforeStep = { () throws(MergeQueueError) in
            try fetch(remote: remote, main: main, git: git)
            try storeCall { () throws(StoreError) in
                _ = try DocumentChain(repository: repository, ref: StateRefs.queue).sync(with: remote, name: "queue")
                _ = try DocumentChain(repository: repository, ref: StateRefs.machines).sync(with: remote, name: "machines")
                if let holder = try MachineStore(repository: repository, remote: remote).lease()?.holder, holder != machine {
                    throw StoreError.remote(remote.remote, "the queue lease is held by \(holder); this runner stops")
                }
            }
            try follow(main: main, remote: remote.remote, git: git)
        }
        queue.publishMain = { (candidate: OID, base: OID) throws(MergeQueueError) -> Bool in
            try storeCall { () throws(StoreError) in
                // The test note first: a server-side guard may require it on main's new head.
                try remote.fetch()
                _ = try TaskStore(repository: repository).syncNotes(with: remote)
                switch try remote.push(candidate, toRef: "refs/heads/" + main, expecting: base) {
                case .pushed: return true
                case .stale: return false
                }
            }
        }
    }

    /// The workers' branches and the remote's main, into `refs/remotes/<remote>/`.
    static func fetch(remote: RemoteGit, main: String, git: GitCLI) throws(MergeQueueError) {
        try storeCall { () throws(StoreError) in try remote.fetch() }
        let result = try runtimeCall { () throws(RuntimeError) in
            try git.run(["fetch", "--quiet", "--no-tags", remote.remote, "+refs/heads/\(main):refs/remotes/\(remote.remote)/\(main)",
                         "+refs/heads/orch/*:refs/remotes/\(remote.remote)/orch/*"], environment: ["GIT_TERMINAL_PROMPT": "0"], allowFailure: true)
        }
        guard result.status == 0 else {
            throw .store(.remote(remote.remote, result.errorOutput.split(separator: "\n").first.map(String.init) ?? "git fetch failed"))
        }
    }

    /// Moves local main to the remote's main when that is a fast-forward. A local main with
    /// commits the remote lacks is reported: the queue does not guess which side is right.
    static func follow(main: String, remote: String, git: GitCLI) throws(MergeQueueError) {
        _ = try runtimeCall { () throws(RuntimeError) in try RemoteMain.followRemoteMain(main: main, remote: remote, git: git) }
    }

    private static func storeCall<T>(_ body: () throws(StoreError) -> T) throws(MergeQueueError) -> T {
        do { return try body() } catch { throw .store(error) }
    }

    private static func runtimeCall<T>(_ body: () throws(RuntimeError) -> T) throws(MergeQueueError) -> T {
        do { return try body() } catch { throw .store(.remote("git", error.description)) }
    }
}

/// Local main following the team remote's main (the queue runner before each step, the
/// supervisor's sync loop after each round), so every machine's workers start from it.
enum RemoteMain {
    /// Fast-forwards `refs/heads/<main>` to `refs/remotes/<remote>/<main>` (fetched before).
    /// Returns whether it moved.
    @discardableResult
    static func followRemoteMain(main: String, remote: String, git: GitCLI) throws(RuntimeError) -> Bool {
        let tracking = "refs/remotes/\(remote)/\(main)"
        guard git.succeeds(["rev-parse", "--verify", "-q", tracking]) else { return false }
        let theirs = try git.output(["rev-parse", tracking])
        let ours = try git.output(["rev-parse", "refs/heads/\(main)"])
        if ours == theirs { return false }
        if git.succeeds(["merge-base", "--is-ancestor", ours, theirs]) {
            try git.run(["update-ref", "-m", "git-orch: follow \(remote)/\(main)", "refs/heads/\(main)", theirs, ours])
            return true
        }
        // The queue pushes with a lease on the remote's main: local commits it lacks would make
        // every push fail, so they are reported instead.
        throw .invalidInput("\(main) has commits that \(remote)/\(main) lacks; push them ('git push \(remote) \(main)') or reset \(main) to \(remote)/\(main)")
    }
}
