#if canImport(Glibc)
import Glibc
#endif
public import GitKit

/// The git CLI for what libgit2 1.5 cannot do: push atomically with a lease. Fetching goes
/// through the CLI too, so both use the user's credentials and transport settings.
/// Remote state is fetched into `refs/orch-remotes/<remote>/*`, never straight over local state.
public struct RemoteGit: Sendable {
    public let remote: String
    let gitDirectory: String

    public init(remote: String, repository: Repository) throws(StoreError) {
        let valid = !remote.isEmpty && !remote.hasPrefix("-") && remote.utf8.count <= 100
            && remote.unicodeScalars.allSatisfy { $0.properties.isAlphabetic && $0.isASCII || "0123456789._-".unicodeScalars.contains($0) }
        guard valid else { throw .invalidInput("'\(remote)' is not a remote name") }
        self.remote = remote
        gitDirectory = repository.gitDirectory
    }

    /// Where the remote's `refs/orch/<name>` is kept locally.
    public func trackingRef(_ name: String = "graph") -> String { "refs/orch-remotes/\(remote)/\(name)" }

    public var fetchRefspec: String { "+refs/orch/*:refs/orch-remotes/\(remote)/*" }

    /// Notes about commits (test results) live under `refs/notes/orch/*` and travel the same way.
    public var notesFetchRefspec: String { "+refs/notes/orch/*:refs/notes/orch-remotes/\(remote)/*" }

    public func notesTrackingRef(_ name: String) -> String { "refs/notes/orch-remotes/\(remote)/\(name)" }

    /// Fetches the remote's `refs/orch/*` into the tracking namespace.
    public func fetch() throws(StoreError) {
        for attempt in 1...20 {
            let result = try git(["fetch", "--quiet", "--no-tags", "--prune", "--no-write-fetch-head", remote, fetchRefspec, notesFetchRefspec])
            if result.status == 0 { return }
            // Another process of this clone fetched at the same moment and holds (or just moved)
            // the tracking ref: its fetch brings the same data, so wait a little and fetch again.
            guard result.errorOutput.contains("cannot lock ref"), attempt < 20 else { throw .remote(remote, firstLine(result.errorOutput)) }
            usleep(UInt32.random(in: 1_000...UInt32(5_000 * attempt)))
        }
    }

    public enum PushOutcome: Sendable, Equatable {
        case pushed
        /// The remote moved since we fetched: fetch, merge and try again.
        case stale
    }

    /// Pushes `commit` to the remote's `refs/orch/<name>` only if it is still at `expected`
    /// (nil: only if it does not exist yet).
    public func push(_ commit: OID, to name: String = "graph", expecting expected: OID?) throws(StoreError) -> PushOutcome {
        try push(commit, toRef: "refs/orch/\(name)", expecting: expected)
    }

    /// Merges a remote notes ref into the local one with git's own notes merge (`cat_sort_uniq`:
    /// notes on the same commit from both sides are concatenated, duplicate lines dropped).
    public func mergeNotes(local: String, remoteTracking: String) throws(StoreError) {
        let result = try git(["notes", "--ref=\(local)", "merge", "--quiet", "--strategy=cat_sort_uniq", remoteTracking])
        guard result.status == 0 else { throw .remote(remote, firstLine(result.errorOutput)) }
    }

    public func push(_ commit: OID, toRef ref: String, expecting expected: OID?) throws(StoreError) -> PushOutcome {
        let result = try git([
            "push", "--porcelain", "--atomic", "--force-with-lease=\(ref):\(expected?.hex ?? "")", remote, "\(commit.hex):\(ref)",
        ])
        if result.status == 0 { return .pushed }
        let lines = (result.output + "\n" + result.errorOutput).split(separator: "\n").map(String.init)
        if let rejected = lines.first(where: { $0.hasPrefix("!") }) {
            let reason = rejected.split(separator: "\t").last.map(String.init) ?? rejected
            // Losing a race shows up client-side (stale lease) or server-side (the ref moved or was
            // locked by a concurrent push); both mean fetch, merge and try again.
            let raceSigns = ["stale info", "fetch first", "non-fast-forward", "atomic transaction failed", "failed to update ref",
                             "cannot lock ref", "incorrect old value", "failed to lock"]
            if raceSigns.contains(where: { reason.contains($0) }) { return .stale }
            throw .remoteRefused(remote, reason.trimmingCharacters(in: " ()[]"))
        }
        throw .remote(remote, firstLine(result.errorOutput))
    }

    private func git(_ arguments: [String]) throws(StoreError) -> Subprocess.Result {
        do {
            return try Subprocess.run("git", ["--git-dir=\(gitDirectory)"] + arguments, environment: ["GIT_TERMINAL_PROMPT": "0"])
        } catch {
            throw .remote(remote, error.description)
        }
    }

    private func firstLine(_ text: String) -> String {
        text.split(separator: "\n").first { !$0.hasPrefix("hint:") }.map(String.init) ?? "git failed"
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
