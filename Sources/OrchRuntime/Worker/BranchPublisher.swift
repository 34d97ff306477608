import GitKit
import OrchStore
import ProcessKit

/// A team on a remote: a worker's branch is pushed after each commit, so its work survives its
/// machine and the queue runner on another machine can merge it. The branch is the worker's own
/// (it is reset to main when the queue rejects its work), so the push forces.
struct BranchPublisher {
    let root: String
    let remote: String?

    init(repository: Repository, root: String) {
        self.root = root
        remote = TeamRemote.name(in: repository)
    }

    /// Pushes `branch`; returns what git said when the push failed, nil when it worked (or the
    /// team has no remote).
    func push(_ branch: String) -> String? {
        guard let remote else { return nil }
        let arguments = ["push", "--quiet", "--force", remote, "refs/heads/\(branch):refs/heads/\(branch)"]
        do {
            let result = try GitCLI(directory: root).run(arguments, environment: ["GIT_TERMINAL_PROMPT": "0"], allowFailure: true)
            guard result.status != 0 else { return nil }
            let lines = result.errorOutput.split(separator: "\n").filter { !$0.hasPrefix("hint:") }
            return "pushing \(branch) to \(remote) failed: " + (lines.isEmpty ? "exit status \(result.status)" : lines.joined(separator: " "))
        } catch {
            return error.description
        }
    }
}
