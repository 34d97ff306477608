import CLibgit2

extension Repository {
    /// Whether `name` (a full name such as `refs/heads/topic`) is a well-formed reference name
    /// by git's rules (`git check-ref-format`).
    public static func isValidReferenceName(_ name: String) -> Bool {
        _ = libgit2Initialized
        var valid: Int32 = 0
        guard git_reference_name_is_valid(&valid, name) == 0 else { return false }
        return valid == 1
    }
}
