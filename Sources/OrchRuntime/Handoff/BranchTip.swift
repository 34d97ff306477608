import GitKit

extension Repository {
    /// The commit `refs/heads/<branch>` points to, nil when there is no such branch. A ref that
    /// is there but cannot be read is an error naming it, never "no branch yet".
    func branchTip(_ branch: String) throws(RuntimeError) -> String? {
        let ref = "refs/heads/" + branch
        do { return try referenceTarget(ref)?.hex } catch { throw .io(ref, "cannot be read: \(error.description)") }
    }
}
