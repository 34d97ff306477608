public import GitKit
import OrchStore
import ProcessKit

/// Step 3 of a handoff: pushes worker branches and syncs the state refs with the remote, so a
/// clone elsewhere can resume. The remote is `orch.remote`, else origin, else the only remote.
public struct StatePublisher {
    let repository: Repository
    let repositoryRoot: String

    public init(repository: Repository, repositoryRoot: String) {
        self.repository = repository
        self.repositoryRoot = repositoryRoot
    }

    /// The remote to publish to, or nil when none is configured. A config that cannot be read
    /// is an error, not "no remote" (which would skip publishing).
    public func remoteName() throws(RuntimeError) -> String? {
        let configured: String?
        do { configured = try repository.configString("orch.remote") } catch { throw .config("orch.remote", "cannot be read: \(error.description)") }
        if let configured, !configured.isEmpty { return configured }
        let remotes = try GitCLI(directory: repositoryRoot).output(["remote"]).split(separator: "\n").map(String.init)
        if remotes.contains("origin") { return "origin" }
        return remotes.count == 1 ? remotes[0] : nil
    }

    /// Pushes `branches` (those that exist) and syncs the graph, notes, workers, handoffs and
    /// ledger. Returns a one-line summary.
    public func publish(branches: [String], to remote: String) throws(RuntimeError) -> String {
        let git = GitCLI(directory: repositoryRoot)
        let existing = branches.filter { git.succeeds(["rev-parse", "--verify", "-q", "refs/heads/\($0)"]) }
        if !existing.isEmpty {
            let refspecs = existing.map { "refs/heads/\($0):refs/heads/\($0)" }
            let result = try git.run(["push", "--quiet", remote] + refspecs, environment: ["GIT_TERMINAL_PROMPT": "0"], allowFailure: true)
            guard result.status == 0 else {
                let line = result.errorOutput.split(separator: "\n").first { !$0.hasPrefix("hint:") }.map(String.init) ?? "exit status \(result.status)"
                throw .git(["push", remote] + existing, line)
            }
        }
        let taskStore = TaskStore(repository: repository)
        try store { () throws(StoreError) in
            let remoteGit = try RemoteGit(remote: remote, repository: repository)
            _ = try taskStore.sync(with: remoteGit)
            _ = try taskStore.syncChains(with: remoteGit)
        }
        return "pushed \(existing.isEmpty ? "no branch" : existing.joined(separator: ", ")) and synced refs/orch/* with \(remote)"
    }
}
