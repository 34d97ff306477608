public import GitKit

/// Finds, before anyone merges, which active branches would conflict: every pair of worker
/// branches, and each with the protected branch, merged in memory (no checkout, no ref moves).
/// The scheduler can keep colliding tasks apart, and workers can rebase early.
public struct ConflictPredictor {
    public let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    /// Two branches whose merge would stop on conflicts in `paths`.
    public struct Collision: Sendable, Equatable {
        public var first: String
        public var second: String
        public var paths: [String]
    }

    public struct Report: Sendable, Equatable {
        public var mainBranch: String
        public var branches: [String]
        public var collisions: [Collision]
    }

    /// The worker branches: `refs/heads/orch/*`, by name.
    public func workerBranches() throws(GitError) -> [String] {
        try repository.references(matching: "refs/heads/orch/*").map { String($0.name.dropFirst("refs/heads/".count)) }
    }

    /// Merges every pair of `branches` (default: the worker branches) and each with `mainBranch`.
    /// Branches already merged into main, or equal to it, cannot collide and are skipped.
    public func predict(mainBranch: String, branches: [String]? = nil) throws(GitError) -> Report {
        let names: [String]
        if let branches { names = branches } else { names = try workerBranches() }
        let main = try repository.referenceTarget("refs/heads/" + mainBranch)
        var tips: [(String, OID)] = []
        for name in names where name != mainBranch {
            guard let tip = try repository.referenceTarget("refs/heads/" + name) else { continue }
            if let main, try repository.isAncestor(tip, of: main) { continue }
            tips.append((name, tip))
        }
        var collisions: [Collision] = []
        if let main {
            for (name, tip) in tips {
                if case .conflicts(let paths) = try repository.merge(ours: main, theirs: tip) {
                    collisions.append(Collision(first: mainBranch, second: name, paths: paths))
                }
            }
        }
        for (index, (name, tip)) in tips.enumerated() {
            for (other, otherTip) in tips[(index + 1)...] {
                if case .conflicts(let paths) = try repository.merge(ours: tip, theirs: otherTip) {
                    collisions.append(Collision(first: name, second: other, paths: paths))
                }
            }
        }
        return Report(mainBranch: mainBranch, branches: tips.map(\.0), collisions: collisions)
    }
}
