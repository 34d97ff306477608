public import GitKit

extension RemoteGit {
    /// Makes a plain `git fetch <remote>` bring `refs/orch/*` along: adds the fetch refspec to
    /// the remote's configuration once. Returns false when it was already there.
    @discardableResult
    public func configureFetchRefspec() throws(StoreError) -> Bool {
        let key = "remote.\(remote).fetch"
        let existing = try run(["config", "--get-all", key])
        if existing.status == 0 && existing.output.split(separator: "\n").contains(where: { $0 == fetchRefspec }) { return false }
        guard try run(["config", "--get", "remote.\(remote).url"]).status == 0 else {
            throw .remote(remote, "no such remote (see 'git remote -v')")
        }
        let added = try run(["config", "--add", key, fetchRefspec])
        guard added.status == 0 else { throw .remote(remote, added.errorOutput) }
        return true
    }

    private func run(_ arguments: [String]) throws(StoreError) -> Subprocess.Result {
        do {
            return try Subprocess.run("git", ["--git-dir=\(gitDirectory)"] + arguments)
        } catch {
            throw .remote(remote, error.description)
        }
    }
}
