public import GitKit
import OrchModel
import OrchStore

/// `git orch resume`, before the team starts: on a clone (`git orch clone`), brings the state
/// refs up to date with the remote and recreates each registered worker's branch and worktree,
/// so that `start` brings the same workers back on their claimed tasks, each prompt holding the
/// worker's latest handoff document.
public struct TeamResume {
    public struct Worker: Sendable, Codable, Equatable {
        public var name: String
        public var branch: String
        public var commit: String?
        /// Where the branch came from: local, the remote's `<remote>/orch/<name>`, or new from main.
        public var branchSource: String
        public var worktree: String
        public var handoff: String?
        public var tasks: [String]
    }

    let repository: Repository
    let repositoryRoot: String
    let settings: RuntimeSettings

    public init(repository: Repository, settings: RuntimeSettings) throws(RuntimeError) {
        guard let root = repository.workingDirectory else { throw .invalidInput("resume needs a repository with a working tree, not a bare one") }
        self.repository = repository
        repositoryRoot = root
        self.settings = settings
    }

    /// Syncs with the remote (when one is configured) and recreates the workers' worktrees.
    public func prepare() throws(RuntimeError) -> (remote: String?, workers: [Worker]) {
        let teamRemote = TeamRemote.name(in: repository)
        let remote: String?
        if let teamRemote { remote = teamRemote } else { remote = try StatePublisher(repository: repository, repositoryRoot: repositoryRoot).remoteName() }
        if let remote {
            let taskStore = TaskStore(repository: repository)
            try store { () throws(StoreError) in
                let remoteGit = try RemoteGit(remote: remote, repository: repository)
                try remoteGit.fetch()
                let tracking = remoteGit.trackingRef()
                let remoteGraph: OID?
                do { remoteGraph = try repository.referenceTarget(tracking) } catch {
                    throw .corruptEntry(path: tracking, reason: "cannot be read: \(error)")
                }
                if try taskStore.headCommit() != nil || remoteGraph != nil {
                    _ = try taskStore.sync(with: remoteGit)
                }
                _ = try taskStore.syncChains(with: remoteGit, names: teamRemote == nil ? TaskStore.syncedChains : TaskStore.teamChains)
            }
        }
        // A team on a remote: take over the workers of machines that are gone; resume only ours.
        let machine = teamRemote.map { _ in TeamRemote.machine(in: repository) }
        if let teamRemote, let machine {
            _ = try TeamTakeover.takeOver(repository: repository, root: repositoryRoot, remote: teamRemote, machine: machine)
        }
        let records = try store { () throws(StoreError) in try WorkerRegistry(repository: repository).all() }
            .filter { record in !record.retired && machine.map { (record.machine ?? $0) == $0 } ?? true }
        guard !records.isEmpty else { throw .invalidInput("no workers registered in refs/orch/workers; nothing to resume (run 'git orch start')") }
        let main = try Worktrees.mainBranch(of: repository)
        let graph = try store { () throws(StoreError) in try TaskStore(repository: repository).snapshot() }.graph
        let handoffs = HandoffStore(repository: repository)
        let git = GitCLI(directory: repositoryRoot)
        let paths = RuntimePaths(repository: repository)
        var workers: [Worker] = []
        for record in records {
            var source = "local"
            if !git.succeeds(["rev-parse", "--verify", "-q", "refs/heads/\(record.branch)"]) {
                if let remote, git.succeeds(["rev-parse", "--verify", "-q", "refs/remotes/\(remote)/\(record.branch)"]) {
                    try git.run(["branch", "--quiet", "--track", record.branch, "\(remote)/\(record.branch)"])
                    source = "\(remote)/\(record.branch)"
                } else {
                    source = "new from \(main)"
                }
            }
            let worktree = try Worktrees(repositoryRoot: repositoryRoot, paths: paths).ensure(record, base: main)
            let tasks = graph.tasks.values.filter { $0.status == .claimed && $0.assignee == record.name }
                .sorted(by: TaskGraph.claimOrder).map { "\($0.id.hex.prefix(8)) \($0.title)" }
            workers.append(Worker(
                name: record.name, branch: record.branch, commit: try repository.branchTip(record.branch),
                branchSource: source, worktree: worktree, handoff: try store { () throws(StoreError) in try handoffs.latest(for: record.name) }?.id, tasks: tasks))
        }
        return (remote, workers)
    }
}
