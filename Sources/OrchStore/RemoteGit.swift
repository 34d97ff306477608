#if canImport(Glibc)
import Glibc
#endif
public import GitKit
import ProcessKit

/// The git CLI for what libgit2 1.5 cannot do: push atomically with a lease. Fetching goes
/// through the CLI too, so both use the user's credentials and transport settings.
/// Remote state is fetched into `refs/orch-remotes/<remote>/*`, never straight over local state.
public struct RemoteGit: Sendable {
    public let remote: String
    let gitDirectory: String
    /// Who git commands that commit (a notes merge) write as: the same identity as state commits.
    let identity: (name: String, email: String)

    public init(remote: String, repository: Repository) throws(StoreError) {
        let valid = !remote.isEmpty && !remote.hasPrefix("-") && !remote.hasPrefix(".") && remote.utf8.count <= 100
            && remote.unicodeScalars.allSatisfy { $0.properties.isAlphabetic && $0.isASCII || "0123456789._-".unicodeScalars.contains($0) }
        guard valid else {
            throw .invalidInput("'\(remote)' is not a remote name git-orch can use (letters, digits, '.', '_', '-'; not starting with '.' or '-')")
        }
        self.remote = remote
        gitDirectory = repository.gitDirectory
        identity = (try? repository.commitIdentity()) ?? ("git-orch", "git-orch@localhost")
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
        /// The remote moved since we fetched (or the server could not lock the ref): fetch, merge
        /// and try again. Carries what the server said.
        case stale(String)
    }

    /// Pushes `commit` to the remote's `refs/orch/<name>` only if it is still at `expected`
    /// (nil: only if it does not exist yet).
    public func push(_ commit: OID, to name: String = "graph", expecting expected: OID?) throws(StoreError) -> PushOutcome {
        try push(commit, toRef: "refs/orch/\(name)", expecting: expected)
    }

    /// Merges a remote notes ref into the local one with git's own notes merge (`cat_sort_uniq`:
    /// notes on the same commit from both sides are concatenated, duplicate lines dropped).
    public func mergeNotes(local: String, remoteTracking: String) throws(StoreError) {
        let result = try git(["notes", "--ref=\(local)", "merge", "--quiet", "--strategy=cat_sort_uniq", remoteTracking], environment: [
            "GIT_AUTHOR_NAME": identity.name, "GIT_AUTHOR_EMAIL": identity.email,
            "GIT_COMMITTER_NAME": identity.name, "GIT_COMMITTER_EMAIL": identity.email,
        ])
        guard result.status == 0 else { throw .remote(remote, firstLine(result.errorOutput)) }
    }

    public func push(_ commit: OID, toRef ref: String, expecting expected: OID?) throws(StoreError) -> PushOutcome {
        let result = try git([
            "push", "--porcelain", "--atomic", "--force-with-lease=\(ref):\(expected?.hex ?? "")", remote, "\(commit.hex):\(ref)",
        ])
        if result.status == 0 { return .pushed }
        let lines = (result.output + "\n" + result.errorOutput).split(separator: "\n").map(String.init)
        if let rejected = lines.first(where: { $0.hasPrefix("!") }) {
            // Porcelain: "!<TAB>from:to<TAB>[remote rejected] (reason)", plus what the server said.
            let fields = rejected.split(separator: "\t", omittingEmptySubsequences: false)
            var reason = fields.count >= 3 ? String(fields[2]) : rejected
            let serverLines = result.errorOutput.split(separator: "\n").filter { $0.hasPrefix("remote: ") }.map { $0.dropFirst(8) }
            if !serverLines.isEmpty { reason += ": " + serverLines.joined(separator: " ") }
            // Losing a race shows up client-side (stale lease) or server-side (the ref moved or was
            // locked by a concurrent push); both mean fetch, merge and try again.
            let raceSigns = ["stale info", "fetch first", "non-fast-forward", "atomic transaction failed", "failed to update ref",
                             "cannot lock ref", "incorrect old value", "failed to lock"]
            if raceSigns.contains(where: { reason.contains($0) }) { return .stale(reason) }
            throw .remoteRefused(remote, reason)
        }
        throw .remote(remote, firstLine(result.errorOutput))
    }

    /// Runs git on this repository (never prompting for credentials).
    func git(_ arguments: [String], environment: [String: String] = [:]) throws(StoreError) -> Subprocess.Result {
        do {
            return try Subprocess.run(
                "git", ["--git-dir=\(gitDirectory)"] + arguments, environment: environment.merging(["GIT_TERMINAL_PROMPT": "0"]) { $1 })
        } catch {
            throw .remote(remote, error.description)
        }
    }

    private func firstLine(_ text: String) -> String {
        text.split(separator: "\n").first { !$0.hasPrefix("hint:") }.map(String.init) ?? "git failed"
    }
}
