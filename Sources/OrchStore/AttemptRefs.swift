public import GitKit
public import OrchModel
import ProcessKit

/// Failed attempts at a task, kept as commits under `refs/orch-attempts/<task-id>/<n>` (n counts
/// from 1): the work an agent left when its attempt failed, a child of the branch it worked on.
/// Refs of our own, never the stash, which every worktree of the repository shares.
public struct AttemptRefs {
    public static let prefix = "refs/orch-attempts/"

    public struct Attempt: Sendable, Equatable {
        public var number: Int
        public var ref: String
        public var commit: OID
        /// The commit it was made on (the worker's branch at the time).
        public var base: OID?
        /// Its commit message's first line (which worker, which attempt, why).
        public var summary: String
    }

    let repository: Repository

    public init(repository: Repository) { self.repository = repository }

    public static func ref(_ task: TaskID, _ number: Int) -> String { prefix + "\(task.hex)/\(number)" }

    /// The task's kept attempts, oldest first.
    public func attempts(of task: TaskID) throws(StoreError) -> [Attempt] {
        let found: [(name: String, target: OID)]
        do { found = try repository.references(matching: Self.prefix + task.hex + "/*") } catch { throw .git(error) }
        var attempts: [Attempt] = []
        for (name, target) in found {
            guard let number = Int(name.split(separator: "/").last ?? "") else { continue }
            let commit: Commit
            do { commit = try repository.commit(target) } catch { throw .git(error) }
            attempts.append(Attempt(number: number, ref: name, commit: target, base: commit.parents.first,
                                    summary: String(commit.message.prefix { $0 != "\n" })))
        }
        return attempts.sorted { $0.number < $1.number }
    }

    /// The number the task's next kept attempt gets.
    public func nextNumber(for task: TaskID) throws(StoreError) -> Int {
        (try attempts(of: task).map(\.number).max() ?? 0) + 1
    }
}

extension RemoteGit {
    /// Every attempt ref travels both ways. Names are per task and number, so the two sides only
    /// ever add refs: fetched and pushed without force, a name taken on both sides with different
    /// commits is left as it is on each side (and reported).
    public func exchangeAttempts() throws(StoreError) {
        let refspec = AttemptRefs.prefix + "*:" + AttemptRefs.prefix + "*"
        var results = [try git(["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote, refspec])]
        // A wildcard push with no matching local ref is an error in git: push only when there are some.
        let local = try git(["for-each-ref", "--count=1", "--format=%(refname)", AttemptRefs.prefix])
        if !local.output.isEmpty { results.append(try git(["push", "--quiet", "--porcelain", remote, refspec])) }
        for result in results where result.status != 0 {
            let line = result.errorOutput.split(separator: "\n").first { !$0.hasPrefix("hint:") }.map(String.init) ?? "git failed"
            throw .remote(remote, "exchanging \(AttemptRefs.prefix)*: \(line)")
        }
    }
}
