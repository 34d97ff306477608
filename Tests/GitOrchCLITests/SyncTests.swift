import Foundation
import OrchTestSupport
import ProcessKit
import Testing

/// A bare "hub" repository and clones of it in one temp folder, as machines sharing a remote.
final class Hub: @unchecked Sendable {
    let folder = TemporaryDirectory("git-orch-hub")
    var bare: String { folder.file("hub.git") }

    init(tasks: Int) throws {
        try Run.git(["init", "-q", "--bare", "--initial-branch=main", bare], in: folder.path)
        let seed = folder.file("seed")
        try Run.git(["init", "-q", "-b", "main", seed], in: folder.path)
        try Run.git(["commit", "-q", "--allow-empty", "-m", "init"], in: seed)
        try Run.git(["remote", "add", "origin", bare], in: seed)
        try Run.git(["push", "-q", "origin", "main"], in: seed)
        _ = try Run.orch(["init"], in: seed)
        if tasks > 0 {
            let plan = (0..<tasks).map { "{\"title\": \"task \($0)\", \"priority\": \($0 % 3)}" }.joined(separator: "\n")
            let imported = try Run.orch(["task", "import", "-"], in: seed, input: plan)
            guard imported.status == 0 else { throw GitCLIFailure(arguments: ["import"], status: imported.status, stderr: imported.stderr) }
        }
        let setup = try Run.orch(["remote", "setup"], in: seed)
        guard setup.status == 0 else { throw GitCLIFailure(arguments: ["remote", "setup"], status: setup.status, stderr: setup.stderr) }
    }

    func clone(_ name: String) throws -> String {
        let result = try Run.orch(["clone", bare, name], in: folder.path)
        guard result.status == 0 else { throw GitCLIFailure(arguments: ["clone"], status: result.status, stderr: result.stderr) }
        return folder.file(name)
    }

    func tasks(in clone: String) throws -> [ListedTask] {
        try JSONDecoder().decode([ListedTask].self, from: Data(try Run.orch(["task", "list", "--json"], in: clone).stdout.utf8))
    }
}

@Suite struct SyncTests {
    @Test func aCloneCarriesTheWholeGraphAndItsHistory() throws {
        let hub = try Hub(tasks: 500)
        let clone = try hub.clone("laptop")
        let seed = hub.folder.file("seed")
        #expect(try Run.git(["rev-parse", "refs/orch/graph"], in: clone) == Run.git(["rev-parse", "refs/orch/graph"], in: seed))
        #expect(try Run.git(["rev-list", "--count", "refs/orch/graph"], in: clone) == "2")
        let ours = try hub.tasks(in: clone), theirs = try hub.tasks(in: seed)
        #expect(ours.count == 500)
        #expect(ours.map(\.id) == theirs.map(\.id))
        // The refspec is configured: a plain fetch keeps the tracking refs current.
        #expect(try Run.git(["config", "--get-all", "remote.origin.fetch"], in: clone).contains("+refs/orch/*:refs/orch-remotes/origin/*"))
    }

    @Test func failedAttemptsTravelWithSyncAndClone() throws {
        let hub = try Hub(tasks: 2)
        let a = try hub.clone("a"), b = try hub.clone("b")
        let id = try hub.tasks(in: a)[0].id
        // A kept attempt on a: a commit on top of main under refs/orch-attempts/<task>/1.
        let tree = try Run.git(["write-tree"], in: a)
        let commit = try Run.git(["commit-tree", tree, "-p", "HEAD", "-m", "failed attempt 1"], in: a)
        try Run.git(["update-ref", "refs/orch-attempts/\(id)/1", commit], in: a)
        let synced = try Run.orch(["sync"], in: a)
        #expect(synced.status == 0, "\(synced.stderr)")
        #expect(try Run.git(["rev-parse", "refs/orch-attempts/\(id)/1"], in: hub.bare) == commit)
        // b gets it with its next sync, a new clone with the clone; task show names it there.
        #expect(try Run.orch(["sync"], in: b).status == 0)
        #expect(try Run.git(["rev-parse", "refs/orch-attempts/\(id)/1"], in: b) == commit)
        let c = try hub.clone("c")
        #expect(try Run.git(["rev-parse", "refs/orch-attempts/\(id)/1"], in: c) == commit)
        #expect(try Run.orch(["task", "show", id], in: c).stdout.contains("refs/orch-attempts/\(id)/1"))
    }

    @Test func offlineEditsOnTwoClonesConverge() throws {
        let hub = try Hub(tasks: 20)
        let a = try hub.clone("a"), b = try hub.clone("b")
        let ids = try hub.tasks(in: a).map(\.id)
        // Disjoint edits, offline.
        for id in ids.prefix(5) { _ = try Run.orch(["claim", id, "--worker", "amber"], in: a) }
        _ = try Run.orch(["task", "done", ids[0]], in: a)
        for id in ids.suffix(5) { _ = try Run.orch(["task", "fail", id, "--reason", "blocked upstream"], in: b) }
        let added = try Run.orch(["task", "add", "new on b", "--after", ids[1]], in: b).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // The same task edited on both: two claims, and a done against a claim.
        _ = try Run.orch(["claim", ids[7], "--worker", "rose"], in: a)
        _ = try Run.orch(["claim", ids[7], "--worker", "emerald"], in: b)
        _ = try Run.orch(["claim", ids[8], "--worker", "rose"], in: a)
        _ = try Run.orch(["claim", ids[8], "--worker", "rose"], in: b)
        _ = try Run.orch(["task", "done", ids[8]], in: b)

        #expect(try Run.orch(["sync"], in: a).status == 0)
        let merged = try Run.orch(["sync", "--json"], in: b)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout.contains("\"action\":\"merged\""))
        #expect(merged.stdout.contains("emerald keeps it, rose loses it"))
        #expect(try Run.orch(["sync"], in: a).status == 0)

        #expect(try Run.git(["rev-parse", "refs/orch/graph^{tree}"], in: a) == Run.git(["rev-parse", "refs/orch/graph^{tree}"], in: b))
        let tasks = try hub.tasks(in: a)
        func task(_ id: String) -> ListedTask? { tasks.first { $0.id == id } }
        #expect(task(ids[0])?.status == "done")
        for id in ids[1..<5] { #expect(task(id)?.assignee == "amber") }
        for id in ids.suffix(5) { #expect(task(id)?.status == "failed") }
        #expect(task(added)?.deps == [ids[1]])
        #expect(task(ids[7])?.assignee == "emerald")  // the documented tie-break: first name wins
        #expect(task(ids[8])?.status == "done")  // status only moves forward
        try Run.git(["fsck", "--no-progress", "--no-dangling"], in: a)
    }

    @Test func twelveProcessesOnThreeClonesClaimEveryTaskOnce() throws {
        let hub = try Hub(tasks: 200)
        let clones = try (0..<3).map { try hub.clone("machine\($0)") }
        for clone in clones { try Run.git(["config", "orch.claimRemote", "origin"], in: clone) }
        let results = ClaimResults()
        DispatchQueue.concurrentPerform(iterations: 12) { index in
            let clone = clones[index % 3]
            var claimed: [String] = []
            while true {
                guard let result = try? Run.orch(["claim", "--worker", "w\(index)"], in: clone) else { return results.record(error: "spawn") }
                if result.status == 1 { break }
                guard result.status == 0 else { return results.record(error: "w\(index): \(result.status) \(result.stderr)") }
                claimed.append(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            results.record(worker: "w\(index)", claimed: claimed)
        }
        #expect(results.errors.isEmpty, "\(results.errors)")
        let all = results.claims.flatMap(\.value)
        #expect(all.count == 200)
        #expect(Set(all).count == 200)
        // The remote's graph agrees with what every process was told.
        let checker = try hub.clone("checker")
        let tasks = try hub.tasks(in: checker)
        for (worker, claimed) in results.claims {
            for id in claimed { #expect(tasks.first { $0.id == id }?.assignee == worker, "\(id) \(worker)") }
        }
        #expect(tasks.allSatisfy { $0.status == "claimed" })
    }

    @Test func aSyncKilledMidwayLeavesValidStateAndTheNextOneCompletes() throws {
        let hub = try Hub(tasks: 50)
        let a = try hub.clone("a"), b = try hub.clone("b")
        for id in try hub.tasks(in: b).map(\.id).prefix(10) { _ = try Run.orch(["claim", id, "--worker", "b"], in: b) }
        #expect(try Run.orch(["sync"], in: b).status == 0)
        for id in try hub.tasks(in: a).map(\.id).suffix(10) { _ = try Run.orch(["claim", id, "--worker", "a"], in: a) }
        for round in 0..<8 {
            // Every round has real work to interrupt: a local change and a remote that moved.
            _ = try Run.orch(["task", "add", "a round \(round)"], in: a)
            _ = try Run.orch(["task", "add", "b round \(round)"], in: b)
            _ = try Run.orch(["sync"], in: b)
            var options = ProcessSpawner.Options()
            (options.directory, options.stdout, options.stderr) = (a, .null, .null)
            let sync = try ChildProcess(OrchBinary.path, ["sync"], options)
            usleep(UInt32(5_000 + 8_000 * round))
            sync.kill()
            // Whatever the moment, local state reads and the repository is whole.
            #expect(try Run.orch(["task", "list", "--json"], in: a).status == 0)
        }
        try Run.git(["fsck", "--no-progress", "--no-dangling"], in: a)
        let finished = try Run.orch(["sync"], in: a)
        #expect(finished.status == 0, "\(finished.stderr)")
        #expect(try Run.orch(["sync"], in: b).status == 0)
        let tasks = try hub.tasks(in: b)
        #expect(tasks.filter { $0.assignee == "a" }.count == 10)
        #expect(tasks.filter { $0.assignee == "b" }.count == 10)
        #expect(tasks.filter { $0.title.hasPrefix("a round") }.count == 8)  // no local edit lost
        #expect(tasks.count == 50 + 16)
    }

    @Test func aDistributedClaimPublishesLocalTasksFirst() throws {
        let hub = try Hub(tasks: 0)
        let a = try hub.clone("a")
        let local = try Run.orch(["task", "add", "made offline"], in: a).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let claimed = try Run.orch(["claim", local, "--remote", "origin", "--worker", "indigo"], in: a)
        #expect(claimed.status == 0, "\(claimed.stderr)")
        let other = try hub.clone("other")
        #expect(try hub.tasks(in: other).first?.assignee == "indigo")
    }

    @Test func notesOnCommitsTravelAndMerge() throws {
        let hub = try Hub(tasks: 1)
        let a = try hub.clone("a"), b = try hub.clone("b")
        let head = try Run.git(["rev-parse", "HEAD"], in: a)
        try Run.git(["notes", "--ref=refs/notes/orch/tests", "add", "-m", "passed on a", head], in: a)
        try Run.git(["notes", "--ref=refs/notes/orch/tests", "add", "-m", "passed on b", head], in: b)
        #expect(try Run.orch(["sync"], in: a).status == 0)
        // A machine with no git identity at all still merges notes (as git-orch's own identity).
        let home = TemporaryDirectory("git-orch-home")
        let anonymous = ["HOME": home.path, "GIT_AUTHOR_NAME": "", "GIT_AUTHOR_EMAIL": "", "GIT_COMMITTER_NAME": "", "GIT_COMMITTER_EMAIL": ""]
        let merged = try Run.orch(["sync"], in: b, environment: anonymous)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(try Run.orch(["sync"], in: a).status == 0)
        for clone in [a, b] {
            let note = try Run.git(["notes", "--ref=refs/notes/orch/tests", "show", head], in: clone)
            #expect(note.contains("passed on a") && note.contains("passed on b"), "\(clone): \(note)")
        }
    }

    @Test func aRemoteThatRefusesCustomRefsIsNamedPlainly() throws {
        let hub = try Hub(tasks: 0)
        let a = try hub.clone("a")
        let hook = hub.bare + "/hooks/pre-receive"
        try "#!/bin/sh\nwhile read old new ref; do case \"$ref\" in refs/orch/*) echo \"custom refs are not allowed\" >&2; exit 1;; esac; done\n"
            .write(toFile: hook, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)
        _ = try Run.orch(["task", "add", "x"], in: a)
        let refused = try Run.orch(["sync"], in: a)
        #expect(refused.status == 128)
        #expect(refused.stderr.hasPrefix("git-orch: error: remote 'origin' refuses refs/orch/*"))
        #expect(refused.stderr.contains("[remote rejected] (pre-receive hook declined): custom refs are not allowed"))
        #expect(refused.stderrLines.count == 1)
        let unreachable = try Run.orch(["sync", "nowhere"], in: a)
        #expect(unreachable.status == 128)
        #expect(unreachable.stderr.hasPrefix("git-orch: error: remote 'nowhere':"))
    }

    /// A team remote that cannot be used fails every write with the reason, instead of letting
    /// this clone work alone as if it had no team (each machine would then run every task).
    @Test func anUnusableTeamRemoteFailsWritesInsteadOfWorkingAlone() throws {
        let hub = try Hub(tasks: 2)
        let a = try hub.clone("a")
        let before = try Run.git(["rev-parse", "refs/orch/graph"], in: a)
        try Run.git(["config", "orch.claimRemote", "nowhere"], in: a)
        let claim = try Run.orch(["claim", "--worker", "indigo"], in: a)
        #expect(claim.status == 128 && claim.stderrLines.count == 1 && claim.stderr.contains("remote 'nowhere'"), "\(claim.stderr)")
        #expect(try Run.orch(["task", "add", "more"], in: a).status == 128)
        #expect(try Run.git(["rev-parse", "refs/orch/graph"], in: a) == before, "nothing written")
        #expect(try Run.orch(["task", "list"], in: a).status == 0, "reads go on")
    }
}
