import GitKit

/// The branch names the merge queue and conflict prediction accept. Branch names reach git only
/// as arguments, never a shell, but only a conservative set of characters is accepted so that
/// names print and paste safely everywhere.
public enum BranchName {
    private static let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/")

    public static func isAcceptable(_ branch: String) -> Bool {
        !branch.isEmpty && !branch.hasPrefix("-") && branch.allSatisfy { allowed.contains($0) }
            && Repository.isValidReferenceName("refs/heads/" + branch)
    }

    /// The one line that refuses `branch`.
    public static func refusal(_ branch: String) -> String {
        "branch name '\(branch)' is not accepted by the merge queue: use letters, digits and . _ - / (a valid git branch name)"
    }
}
