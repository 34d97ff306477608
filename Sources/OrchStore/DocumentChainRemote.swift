#if canImport(Glibc)
import Glibc
#endif
import GitKit

extension DocumentChain {
    /// The compare-and-swap loop of a chain whose writes count only once pushed (the merge queue
    /// and the machines of a team on a remote): the change is built on the remote's head just
    /// fetched, pushed with a lease on that head, and only then taken locally. A lost race means
    /// fetch and build again, so two machines never hand out the same queue entry number.
    func publishThroughRemote(_ remote: RemoteGit, maxRounds: Int = 200,
                              _ build: (OID?) throws(StoreError) -> (tree: OID, message: String)?) throws(StoreError) -> OID? {
        let name = String(ref.dropFirst("refs/orch/".count))
        let tracking = remote.trackingRef(name)
        for round in 1...maxRounds {
            try remote.fetch()
            let base = try git { () throws(GitError) in try repository.referenceTarget(tracking) }
            let local = try head()
            // Local writes the remote does not have yet (made before the team went remote): merge
            // and publish them first, then build on what that left on the remote.
            if let local, local != base,
               try base.map({ (base) throws(StoreError) in try git { () throws(GitError) in try repository.isAncestor(local, of: base) } }) != true {
                _ = try sync(with: remote, name: name)
                continue
            }
            guard let (tree, message) = try build(base) else { return nil }
            let commit = try git { () throws(GitError) in try repository.createCommit(tree: tree, parents: base.map { [$0] } ?? [], message: message) }
            guard case .pushed = try remote.push(commit, toRef: ref, expecting: base) else {
                if round > 2 { usleep(UInt32.random(in: 0...UInt32(min(50_000, 2_000 * round)))) }
                continue
            }
            _ = try git { () throws(GitError) in
                try repository.compareAndSwapReference(tracking, to: commit, expecting: base, message: "git-orch: pushed")
            }
            // Take it locally before returning, so the caller reads its own write: move the local
            // ref from wherever a concurrent sync left it (an older remote state), unless that
            // sync already brought something newer that holds this commit.
            while true {
                let current = try head()
                if let current, current != commit,
                   try git({ () throws(GitError) in try repository.isAncestor(commit, of: current) }) { break }
                if current == commit { break }
                if let current, try !git({ () throws(GitError) in try repository.isAncestor(current, of: commit) }) { break }
                if try git({ () throws(GitError) in
                    try repository.compareAndSwapReference(ref, to: commit, expecting: current, message: "git-orch: \(message.prefix { $0 != "\n" })", lockPolicy: lockPolicy)
                }) { break }
            }
            return commit
        }
        throw .remote(remote.remote, "\(ref) kept moving; gave up after \(maxRounds) rounds")
    }
}
