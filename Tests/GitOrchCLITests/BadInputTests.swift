import Foundation
import OrchTestSupport
import Testing

/// Bad input gets one clear line on stderr, a non-zero exit, and changes nothing.
@Suite struct BadInputTests {
    /// A repository with an initialised graph and two tasks whose ids share a first digit.
    private func prepared() throws -> (TemporaryRepository, [String]) {
        let repo = try TemporaryRepository()
        try #require(try repo.orch("init").status == 0)
        var ids: [String] = []
        // Add tasks until two share their first hex digit, for the ambiguous-prefix case.
        while !ids.indices.contains(where: { i in ids.indices.contains { j in j != i && ids[i].first == ids[j].first } }) {
            ids.append(try repo.orch("task", "add", "task \(ids.count)").stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return (repo, ids)
    }

    private func expectRefused(
        _ repo: TemporaryRepository, _ arguments: [String], input: String? = nil, mentions: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let before = try? repo.git("rev-parse", "refs/orch/graph")
        let result = try Run.orch(arguments, in: repo.path, input: input)
        #expect(result.status != 0, "exit status", sourceLocation: sourceLocation)
        #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(mentions), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect((try? repo.git("rev-parse", "refs/orch/graph")) == before, "graph changed", sourceLocation: sourceLocation)
    }

    @Test func outsideAGitRepository() throws {
        let empty = TemporaryDirectory()
        let result = try Run.orch(["task", "list"], in: empty.path)
        #expect(result.status == 128)
        #expect(result.stderrLines == ["git-orch: error: not a git repository (or any parent up to /): \(URL(fileURLWithPath: empty.path).resolvingSymlinksInPath().path)"])
    }

    @Test func beforeInit() throws {
        let repo = try TemporaryRepository()
        try expectRefused(repo, ["task", "add", "x"], mentions: "run 'git orch init'")
        try expectRefused(repo, ["ready"], mentions: "run 'git orch init'")
    }

    @Test func unknownAndAmbiguousIDs() throws {
        let (repo, ids) = try prepared()
        let shared = ids.first { id in ids.filter { $0.first == id.first }.count > 1 }!
        try expectRefused(repo, ["task", "show", "0000000000"], mentions: "no task matches '0000000000'")
        try expectRefused(repo, ["task", "done", String(shared.first!)], mentions: "is ambiguous")
        try expectRefused(repo, ["task", "done", "not-hex"], mentions: "is not a task id")
        try expectRefused(repo, ["task", "add", "x", "--after", "zzzz"], mentions: "is not a task id")
    }

    @Test func badFields() throws {
        let (repo, ids) = try prepared()
        try expectRefused(repo, ["task", "add", ""], mentions: "title must not be empty")
        try expectRefused(repo, ["task", "add", "bell\u{7}here"], mentions: "title contains control character U+7")
        // An argument can hold at most 128 KiB on Linux, so a 1 MB title comes through import.
        try expectRefused(repo, ["task", "add", String(repeating: "t", count: 100_000)], mentions: "title is 100000 bytes")
        let huge = "{\"title\": \"\(String(repeating: "x", count: 1_000_000))\"}"
        try expectRefused(repo, ["task", "import", "-"], input: huge, mentions: "<stdin>:1: title is 1000000 bytes")
        try expectRefused(repo, ["task", "list", "--status", "finished"], mentions: "unknown status 'finished'")
        try expectRefused(repo, ["task", "add", "x", "--role", "Back End"], mentions: "role 'Back End' is not a role id")
        try expectRefused(repo, ["claim", "--worker", "evil;rm -rf ~"], mentions: "is not a valid worker name")
        try expectRefused(repo, ["task", "import", "-"], input: "{\"title\": \"ok\"}\n{\"title\": 3}\n", mentions: "<stdin>:2: wrong type for 'title'")
        try expectRefused(repo, ["task", "import", "missing.jsonl"], mentions: "missing.jsonl: cannot read file")
        try expectRefused(repo, ["task", "fail", ids[0], "--reason", " "], mentions: "reason must not be empty")
    }

    @Test func aCycleIsRefusedWithTheCycleNamed() throws {
        let repo = try TemporaryRepository()
        _ = try repo.orch("init")
        let a = try repo.orch("task", "add", "a").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let b = try repo.orch("task", "add", "b", "--after", a).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let result = try Run.orch(["task", "dep", a, "--on", b], in: repo.path)
        #expect(result.status == 128)
        #expect(result.stderrLines == ["git-orch: error: dependency cycle: \(a.prefix(6)) \"a\" -> \(b.prefix(6)) \"b\" -> \(a.prefix(6)) \"a\"; nothing was changed"])
        try expectRefused(repo, ["task", "dep", a, "--on", b], mentions: "dependency cycle")
    }

    @Test func aCorruptTaskBlobIsNamedAndTheRestStillReadable() throws {
        let (repo, ids) = try prepared()
        let victim = ids[0]
        let path = "tasks/\(victim.prefix(2))/\(victim).json"
        try repo.git("read-tree", "--index-output=.git/orch-index", "refs/orch/graph")
        let environment = ["GIT_INDEX_FILE": repo.directory.file(".git/orch-index")]
        let blob = try Run.git(["hash-object", "-w", "--stdin"], in: repo.path, input: Data("not json".utf8))
        _ = try Run.process("/usr/bin/git", ["update-index", "--cacheinfo", "100644,\(blob),\(path)"], in: repo.path, environment: environment)
        let tree = try Run.process("/usr/bin/git", ["write-tree"], in: repo.path, environment: environment).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let commit = try repo.git("commit-tree", tree, "-p", "refs/orch/graph", "-m", "corrupt")
        try repo.git("update-ref", "refs/orch/graph", commit)

        let listed = try repo.orch("task", "list", "--json")
        #expect(listed.status == 2)
        #expect(listed.stderrLines == ["git-orch: warning: refs/orch/graph:\(path): not a valid task file (invalid JSON); other tasks shown"])
        let tasks = try JSONDecoder().decode([ListedTask].self, from: Data(listed.stdout.utf8))
        #expect(Set(tasks.map(\.id)) == Set(ids.dropFirst()))
        try expectRefused(repo, ["task", "show", victim], mentions: "\(path): not a valid task file")
        #expect(try repo.orch("task", "show", ids[1]).status == 0)
    }

    @Test func aCycleStoredByAHandEditIsListedAndNamed() throws {
        let repo = try TemporaryRepository()
        _ = try repo.orch("init")
        let a = try repo.orch("task", "add", "a").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let b = try repo.orch("task", "add", "b", "--after", a).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try repo.orch("task", "add", "c")
        // Rewrite a's file by hand so that it waits for b.
        let path = "tasks/\(a.prefix(2))/\(a).json"
        let edited = try repo.git("show", "refs/orch/graph:\(path)").replacingOccurrences(of: "\"deps\": []", with: "\"deps\": [\"\(b)\"]")
        let blob = try Run.git(["hash-object", "-w", "--stdin"], in: repo.path, input: Data(edited.utf8))
        try repo.git("read-tree", "--index-output=.git/orch-index", "refs/orch/graph")
        let environment = ["GIT_INDEX_FILE": repo.directory.file(".git/orch-index")]
        _ = try Run.process("/usr/bin/git", ["update-index", "--cacheinfo", "100644,\(blob),\(path)"], in: repo.path, environment: environment)
        let tree = try Run.process("/usr/bin/git", ["write-tree"], in: repo.path, environment: environment).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.git("update-ref", "refs/orch/graph", try repo.git("commit-tree", tree, "-p", "refs/orch/graph", "-m", "edit"))

        let listed = try repo.orch("task", "list", "--json")
        #expect(listed.status == 2)
        #expect(try JSONDecoder().decode([ListedTask].self, from: Data(listed.stdout.utf8)).count == 3)
        #expect(listed.stderr.contains("dependency cycle"))
        #expect(listed.stderr.contains("\"a\"") && listed.stderr.contains("\"b\""))
    }
}
