import Foundation
import GitKit
import OrchModel
import OrchStore
import OrchTestSupport
import Testing

/// `git orch queue` (handed over to git-orch-run) and `git orch conflicts` through the built binary.
@Suite struct QueueCommandTests {
    private func repository() throws -> TemporaryRepository {
        let repo = try TemporaryRepository()
        try "if grep -q BROKEN *.txt 2>/dev/null; then echo broken; exit 1; fi\n".write(toFile: repo.directory.file("test.sh"), atomically: true, encoding: .utf8)
        try repo.git("add", "test.sh")
        try repo.git("commit", "-q", "-m", "tests")
        try repo.git("config", "orch.testCommand", "sh test.sh")
        return repo
    }

    private func branch(_ repo: TemporaryRepository, _ name: String, _ files: [String: String]) throws {
        try repo.git("checkout", "-q", "-b", name, "main")
        for (path, content) in files {
            try content.write(toFile: repo.directory.file(path), atomically: true, encoding: .utf8)
            try repo.git("add", path)
        }
        try repo.git("commit", "-q", "-m", name)
        try repo.git("checkout", "-q", "main")
    }

    @Test func aMergeHeldByTheUsersCheckoutIsShownByQueueStatusAndStatus() throws {
        let repo = try repository()
        try "v1\n".write(toFile: repo.directory.file("shared.txt"), atomically: true, encoding: .utf8)
        try repo.git("add", "shared.txt")
        try repo.git("commit", "-q", "-m", "shared")
        try branch(repo, "feature", ["shared.txt": "v2\n"])
        try "my edit\n".write(toFile: repo.directory.file("shared.txt"), atomically: true, encoding: .utf8)
        #expect(try repo.orch("queue", "add", "feature").status == 0)
        let run = try repo.orch("queue", "run")
        #expect(run.status == 1)
        #expect(run.stderr.contains("merge held: main is checked out at "), "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("with changes to shared.txt"))
        let status = try repo.orch("queue", "status")
        #expect(status.stdout.contains("held: main is checked out at "))
        let json = try JSONSerialization.jsonObject(with: Data(try repo.orch("queue", "status", "--json").stdout.utf8)) as? [String: Any]
        #expect((json?["held"] as? String)?.contains("with changes to shared.txt") == true)
        #expect(try repo.orch("status").stdout.contains("merge queue held: main is checked out at "))
        // Scripts and the dashboard read the same sentence from `status --json`.
        let team = try JSONSerialization.jsonObject(with: Data(try repo.orch("status", "--json").stdout.utf8)) as? [String: Any]
        let stop = team?["mergeQueue"] as? [String: Any]
        #expect((stop?["held"] as? String) == (json?["held"] as? String), "\(team ?? [:])")
        #expect(stop?["halted"] == nil)
        // The user reverts: the next run merges without another test, and the checkout follows.
        try repo.git("checkout", "--", "shared.txt")
        let resumed = try repo.orch("queue", "run")
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("test runs 0"))
        #expect(try String(contentsOfFile: repo.directory.file("shared.txt"), encoding: .utf8) == "v2\n")
        #expect(try Run.process("/usr/bin/git", ["status", "--porcelain"], in: repo.path).stdout == "")
        #expect(!(try repo.orch("queue", "status")).stdout.contains("held"))
        let after = try JSONSerialization.jsonObject(with: Data(try repo.orch("status", "--json").stdout.utf8)) as? [String: Any]
        #expect(after?["mergeQueue"] == nil)
        // queue gc removes the kept test worktree.
        let gc = try repo.orch("queue", "gc")
        #expect(gc.status == 0 && gc.stdout.contains("removed 1 test worktree(s)"), "\(gc.stdout)\(gc.stderr)")
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/orch/queue/lane-0"))
        #expect(try repo.orch("queue", "gc").stdout.contains("no test worktrees to remove"))
    }

    @Test func badAndUnknownBranchesAreClearErrorsAndChangeNothing() throws {
        let repo = try repository()
        let pwned = repo.directory.file("pwned")
        for name in ["x;touch \(pwned)", "$(touch \(pwned))", "`touch \(pwned)`", "a b", "-rf"] {
            let result = try repo.orch("queue", "add", "--", name)
            #expect(result.status == 128, "\(name)")
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(result.stderr.contains("is not accepted by the merge queue"), "\(name): \(result.stderr)")
        }
        let unknown = try repo.orch("queue", "add", "nope")
        #expect(unknown.status == 128)
        #expect(unknown.stderr == "git-orch: error: no branch 'nope' in this repository (refs/heads/nope is missing)\n")
        #expect(!FileManager.default.fileExists(atPath: pwned))
        #expect(try Run.process("/usr/bin/git", ["rev-parse", "--verify", "-q", "refs/orch/queue"], in: repo.path).status != 0)
        #expect(try repo.orch("queue", "list", "--json").stdout == "[]\n")
        #expect(try repo.orch("queue", "remove", "7").stderr == "git-orch: error: no entry #7 in the merge queue\n")
    }

    @Test func addListRunStatusThroughTheBinary() throws {
        let repo = try repository()
        try branch(repo, "good", ["good.txt": "fine\n"])
        try branch(repo, "bad", ["bad.txt": "BROKEN\n"])
        #expect(try repo.orch("queue", "add", "good", "--worker", "indigo").stdout.hasPrefix("queued #1 good at "))
        let added = try JSONDecoder().decode(QueueEntry.self, from: Data(try repo.orch("queue", "add", "bad", "--json").stdout.utf8))
        #expect(added.id == 2 && added.state == .queued)
        let listed = try JSONDecoder().decode([QueueEntry].self, from: Data(try repo.orch("queue", "list", "--json").stdout.utf8))
        #expect(listed.map(\.branch) == ["good", "bad"])
        #expect(listed[0].worker == "indigo")

        let run = try repo.orch("queue", "run")
        #expect(run.status == 1)
        #expect(run.stdout.contains("rejected #2 bad: tests failed: 'sh test.sh' exited 1"))
        #expect(run.stdout.contains("merged #1 into main"))
        #expect(run.stderr == "git-orch: error: 1 of the entries were rejected (see 'git orch queue list')\n")
        #expect(try repo.git("ls-tree", "--name-only", "main").contains("good.txt"))

        let status = try JSONSerialization.jsonObject(with: Data(try repo.orch("queue", "status", "--json").stdout.utf8)) as? [String: Any]
        #expect(status?["main_branch"] as? String == "main")
        #expect(status?["merged"] as? Int == 1)
        #expect(status?["rejected"] as? Int == 1)
        #expect((status?["main_test"] as? [String: Any])?["passed"] as? Bool == true)
        #expect(try repo.orch("queue", "list").stdoutLines.first?.hasPrefix("ID  STATE") == true)
        #expect(try repo.orch("queue", "run").status == 0)  // nothing left to do
        #expect(try repo.orch("queue", "remove", "2").stdout == "removed #2 bad\n")
        #expect(try repo.orch("queue", "--help").stdout.contains("add"))
    }

    @Test func conflictsListsCollidingBranches() throws {
        let repo = try repository()
        try branch(repo, "orch/indigo", ["shared.txt": "indigo\n"])
        try branch(repo, "orch/rose", ["shared.txt": "rose\n"])
        try branch(repo, "orch/amber", ["amber.txt": "alone\n"])
        let result = try repo.orch("conflicts", "--json")
        #expect(result.status == 1)
        let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.count == 1)
        #expect(rows?.first?["first"] as? String == "orch/indigo")
        #expect(rows?.first?["second"] as? String == "orch/rose")
        #expect(rows?.first?["paths"] as? [String] == ["shared.txt"])
        #expect(try repo.orch("conflicts", "orch/amber").status == 0)
    }
}
