public import GitKit

/// Finds, before anyone merges, which active branches would conflict: every pair of worker
/// branches, and each with the protected branch (no checkout, no ref moves).
/// The scheduler can keep colliding tasks apart, and workers can rebase early.
///
/// Merging every pair in memory costs a walk of the whole tree per pair. Instead each branch's
/// changed paths since the pair's merge base come from a tree diff that skips unchanged folders
/// (cached per base and tip), and only pairs whose changed paths meet (the same path, or a file on
/// one side where the other has a folder) are merged in memory. Two branches that touch disjoint
/// paths always merge cleanly, so the answers are those of merging every pair. Results are kept
/// in `memo` by the pair's tips: an unchanged pair is never examined twice while the memo lives.
/// The supervisor keeps one memo for the team's life; `git orch conflicts` keeps its memo in
/// `.git/orch/cache/conflicts.bin` (`ConflictMemo.load`/`save`), so a repeated run merges nothing
/// it has merged before.
///
/// Here in OrchStore (not the runtime) so that `git orch conflicts` runs inside the lean
/// `git-orch` executable: a second process start would cost more than the work.
public struct ConflictPredictor {
    public let repository: Repository
    public let memo: ConflictMemo

    public init(repository: Repository, memo: ConflictMemo = ConflictMemo()) {
        self.repository = repository
        self.memo = memo
    }

    /// Two branches whose merge would stop on conflicts in `paths`.
    public struct Collision: Sendable, Equatable {
        public var first: String
        public var second: String
        public var paths: [String]

        public init(first: String, second: String, paths: [String]) {
            self.first = first
            self.second = second
            self.paths = paths
        }
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

    /// Checks every pair of `branches` (default: the worker branches) and each with `mainBranch`.
    /// Branches already merged into main, or equal to it, cannot collide and are skipped.
    /// Afterwards the memo keeps only what concerns `liveTips` (default: this call's tips and
    /// main's); a memo kept on disk passes every local branch's tip, so that a call about a few
    /// branches does not forget the others.
    public func predict(mainBranch: String, branches: [String]? = nil, liveTips: Set<OID>? = nil) throws(GitError) -> Report {
        let names: [String]
        if let branches { names = branches } else { names = try workerBranches() }
        let main = try repository.referenceTarget("refs/heads/" + mainBranch)
        var tips: [(String, OID)] = []
        for name in names where name != mainBranch {
            guard let tip = try repository.referenceTarget("refs/heads/" + name) else { continue }
            if let main, try isMerged(tip, into: main) { continue }
            tips.append((name, tip))
        }
        var collisions: [Collision] = []
        if let main {
            for (name, tip) in tips {
                let paths = try conflicts(main, tip)
                if !paths.isEmpty { collisions.append(Collision(first: mainBranch, second: name, paths: paths)) }
            }
        }
        for (index, (name, tip)) in tips.enumerated() {
            for (other, otherTip) in tips[(index + 1)...] {
                let paths = try conflicts(tip, otherTip)
                if !paths.isEmpty { collisions.append(Collision(first: name, second: other, paths: paths)) }
            }
        }
        memo.forget(keeping: liveTips ?? Set(tips.map(\.1) + (main.map { [$0] } ?? [])))
        return Report(mainBranch: mainBranch, branches: tips.map(\.0), collisions: collisions)
    }

    /// The paths a merge of `theirs` into `ours` would stop on; empty when it is clean.
    func conflicts(_ ours: OID, _ theirs: OID) throws(GitError) -> [String] {
        let key = ConflictMemo.PairKey(ours: ours, theirs: theirs)
        if let known = memo.pair(key) { return known }
        var paths: [String] = []
        if try mayConflict(ours, theirs) {
            memo.merges += 1
            // Only whether it conflicts matters: the merged tree is never written.
            let index = try repository.mergeIndex(ours: ours, theirs: theirs)
            if index.hasConflicts { paths = try index.conflictingPaths() }
        }
        memo.setPair(key, paths)
        return paths
    }

    /// Whether `tip` is already in `main` (then it cannot collide); remembered like the pairs.
    private func isMerged(_ tip: OID, into main: OID) throws(GitError) -> Bool {
        let key = ConflictMemo.PairKey(ours: main, theirs: tip)
        if let known = memo.ancestry(key) { return known }
        let merged = try repository.isAncestor(tip, of: main)
        memo.setAncestry(key, merged)
        return merged
    }

    /// False only when the two sides provably touch disjoint paths since their one merge base.
    /// Several merge bases (criss-cross history) or none: merge to be sure.
    private func mayConflict(_ ours: OID, _ theirs: OID) throws(GitError) -> Bool {
        let bases = try repository.mergeBases(ours, theirs)
        guard bases.count == 1 else { return true }
        let left = try changes(from: bases[0], to: ours)
        let right = try changes(from: bases[0], to: theirs)
        return left.meets(right)
    }

    private func changes(from base: OID, to tip: OID) throws(GitError) -> ChangedPaths {
        let key = ConflictMemo.PairKey(ours: base, theirs: tip)
        if let known = memo.changes(key) { return known }
        memo.diffs += 1
        let changed = ChangedPaths(try repository.changedPaths(from: try repository.commit(base).tree, to: try repository.commit(tip).tree))
        memo.setChanges(key, changed)
        return changed
    }
}

/// The files one side of a merge changed, with every folder above them.
struct ChangedPaths: Sendable, Equatable {
    var files: Set<String>
    var folders: Set<String>

    init(_ paths: [String]) {
        files = Set(paths)
        folders = []
        for path in paths {
            var current = Substring(path)
            while let slash = current.lastIndex(of: "/") {
                current = current[..<slash]
                if !folders.insert(String(current)).inserted { break }
            }
        }
    }

    /// Whether a merge with `other` could meet a conflict: both touch one path, or one side
    /// touches a path the other has as a folder (file/folder conflicts).
    func meets(_ other: ChangedPaths) -> Bool {
        let (small, large) = files.count <= other.files.count ? (self, other) : (other, self)
        for path in small.files where large.files.contains(path) || large.folders.contains(path) { return true }
        for path in large.files where small.folders.contains(path) { return true }
        return false
    }
}

/// What conflict prediction has worked out, kept between calls by its owner (the supervisor
/// keeps one for the team's life; `git orch conflicts` loads and saves one in `.git/orch/cache/`):
/// results by the pair of tips, changed paths by base and tip, and whether a tip is in main.
/// Each is a fact about immutable commits, so it never goes stale; what concerns tips no longer
/// current is dropped after each prediction, so the memo holds only current branches.
/// Not thread-safe: one owner, one thread.
public final class ConflictMemo {
    struct PairKey: Hashable {
        var ours: OID
        var theirs: OID
    }

    var pairs: [PairKey: [String]] = [:]
    var changed: [PairKey: ChangedPaths] = [:]
    var merged: [PairKey: Bool] = [:]
    /// Whether anything was learnt or dropped since the memo was made or loaded (worth saving).
    var modified = false
    /// In-memory merges run since this memo was made (tests and benchmarks read it).
    public internal(set) var merges = 0
    /// Tree diffs run since this memo was made.
    public internal(set) var diffs = 0

    public init() {}

    func pair(_ key: PairKey) -> [String]? {
        pairs[key]
    }

    func setPair(_ key: PairKey, _ paths: [String]) {
        pairs[key] = paths
        modified = true
    }

    func changes(_ key: PairKey) -> ChangedPaths? {
        changed[key]
    }

    func setChanges(_ key: PairKey, _ paths: ChangedPaths) {
        changed[key] = paths
        modified = true
    }

    /// Whether `key.theirs` is an ancestor of `key.ours` (the main branch's tip).
    func ancestry(_ key: PairKey) -> Bool? {
        merged[key]
    }

    func setAncestry(_ key: PairKey, _ value: Bool) {
        merged[key] = value
        modified = true
    }

    /// Drops what concerns tips not in `live`: pairs with either tip gone, changes of a gone tip,
    /// ancestry on a gone main.
    func forget(keeping live: Set<OID>) {
        let before = (pairs.count, changed.count, merged.count)
        pairs = pairs.filter { live.contains($0.key.ours) && live.contains($0.key.theirs) }
        changed = changed.filter { live.contains($0.key.theirs) }
        merged = merged.filter { live.contains($0.key.ours) }
        if before != (pairs.count, changed.count, merged.count) { modified = true }
    }
}
