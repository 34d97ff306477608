import GitKit
import ProcessKit

extension RemoteGit {
    /// Makes a plain `git fetch <remote>` bring `refs/orch/*` along: adds the fetch refspec to
    /// the remote's configuration once. Returns false when it was already there.
    @discardableResult
    public func configureFetchRefspec() throws(StoreError) -> Bool {
        let key = "remote.\(remote).fetch"
        guard try git(["config", "--get", "remote.\(remote).url"]).status == 0 else {
            throw .remote(remote, "no such remote (see 'git remote -v')")
        }
        let existing = try git(["config", "--get-all", key]).output.split(separator: "\n").map(String.init)
        var added = false
        for refspec in [fetchRefspec, notesFetchRefspec] where !existing.contains(refspec) {
            let result = try git(["config", "--add", key, refspec])
            guard result.status == 0 else { throw .remote(remote, result.errorOutput) }
            added = true
        }
        return added
    }
}
