public import GitKit
import OrchModel
import OrchStore

/// The checks behind the hooks in `Hooks/`: the protected branch may only point at (or be pushed
/// to) a commit whose test note in `refs/notes/orch/tests` passed.
public struct ProtectedBranchGuard {
    public let repository: Repository
    public let mainBranch: String

    public init(repository: Repository, mainBranch: String? = nil) {
        self.repository = repository
        self.mainBranch = mainBranch ?? MergeQueueConfiguration.load(from: repository).mainBranch
    }

    private static let zero = String(repeating: "0", count: 40)

    /// `pre-push` input: `<local ref> <local sha> <remote ref> <remote sha>` per line. Returns the
    /// reasons to refuse (empty: allowed). Only updates of the remote's protected branch are checked.
    public func checkPush(_ input: String) -> [String] {
        var refusals: [String] = []
        for line in input.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 4, fields[2] == "refs/heads/" + mainBranch else { continue }
            if fields[1] == Self.zero {
                refusals.append("refusing to delete \(mainBranch) on the remote")
            } else if let problem = problem(with: fields[1]) {
                refusals.append("refusing to push \(fields[1].prefix(12)) to \(mainBranch): \(problem)")
            }
        }
        return refusals
    }

    /// `reference-transaction prepared` input: `<old> <new> <ref>` per line. Returns the reasons to
    /// refuse (empty: allowed).
    public func checkReferenceUpdate(_ input: String) -> [String] {
        var refusals: [String] = []
        for line in input.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 3, fields[2] == "refs/heads/" + mainBranch, fields[0] != fields[1] else { continue }
            if fields[1] == Self.zero {
                refusals.append("refusing to delete \(mainBranch)")
            } else if let problem = problem(with: fields[1]) {
                refusals.append("refusing to move \(mainBranch) to \(fields[1].prefix(12)): \(problem); "
                    + "merge through 'git orch queue add', or set GIT_ORCH_ALLOW_MAIN_UPDATE=1 to override")
            }
        }
        return refusals
    }

    /// Why `commit` may not be the protected branch's head, nil when its tests passed.
    public func problem(with commit: String) -> String? {
        guard let oid = OID(hex: commit) else { return "'\(commit)' is not a commit id" }
        let record: QueueTestRecord?
        do {
            record = try QueueStore(repository: repository).testRecord(on: oid)
        } catch {
            return "its test note cannot be read (\(error))"
        }
        guard let record else { return "it has no test note in \(StateRefs.testNotes) (it did not go through the merge queue)" }
        guard record.passed else { return "its tests failed ('\(record.command)' exited \(record.exitStatus))" }
        // A commit that cannot be read cannot be shown to be the tree that passed: refused.
        let tree: String
        do { tree = try repository.commit(oid).tree.hex } catch { return "it cannot be read as a commit (\(error.description))" }
        return tree == record.tree ? nil : "its test note is for another tree"
    }
}
