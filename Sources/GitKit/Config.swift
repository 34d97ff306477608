import CLibgit2

extension Repository {
    /// Reads a string from the repository's configuration (all levels), nil when unset.
    public func configString(_ key: String) throws(GitError) -> String? {
        var config: OpaquePointer?
        try check(git_repository_config_snapshot(&config, handle), "git_repository_config_snapshot")
        defer { git_config_free(config) }
        var value: UnsafePointer<CChar>?
        let result = git_config_get_string(&value, config, key)
        if result == GIT_ENOTFOUND.rawValue { return nil }
        try check(result, "git_config_get_string")
        return value.map { String(cString: $0) }
    }

    /// Writes a string to the repository's local configuration (`.git/config`).
    public func setConfigString(_ key: String, _ value: String) throws(GitError) {
        try withLocalConfig { local throws(GitError) in
            try check(git_config_set_string(local, key, value), "git_config_set_string")
        }
    }

    /// Removes a key from the local configuration; no error when it was not set.
    public func unsetConfig(_ key: String) throws(GitError) {
        try withLocalConfig { local throws(GitError) in
            let result = git_config_delete_entry(local, key)
            if result == GIT_ENOTFOUND.rawValue { return }
            try check(result, "git_config_delete_entry")
        }
    }

    /// Runs `body` with the repository's local-level config (writes go to `.git/config`).
    private func withLocalConfig(_ body: (OpaquePointer?) throws(GitError) -> Void) throws(GitError) {
        var config: OpaquePointer?
        try check(git_repository_config(&config, handle), "git_repository_config")
        defer { git_config_free(config) }
        var local: OpaquePointer?
        try check(git_config_open_level(&local, config, GIT_CONFIG_LEVEL_LOCAL), "git_config_open_level")
        defer { git_config_free(local) }
        try body(local)
    }
}
