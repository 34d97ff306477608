import Foundation
import ArgumentParser
@testable import GitOrchCLI
import OrchTestSupport
import Testing

@Suite struct CommandTests {
    private func id(_ result: ProcessResult) -> String { result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) }

    @Test func aWholeSessionThroughTheBinary() throws {
        let repo = try TemporaryRepository()
        #expect(try repo.orch("init").stdoutLines.first == "Initialized git-orch task graph in refs/orch/graph")
        let schema = id(try repo.orch("task", "add", "Design schema", "--role", "database-dev", "--priority", "5"))
        #expect(schema.count == 16)
        let api = id(try repo.orch("task", "add", "Write API", "--after", String(schema.prefix(7)), "--label", "api", "--file", "Sources/API/**"))
        let docs = id(try repo.orch("task", "add", "Docs", "--body", "Explain it.\nWith examples."))

        let ready = try JSONDecoder().decode([ListedTask].self, from: Data(try repo.orch("ready", "--json").stdout.utf8))
        #expect(ready.map(\.id) == [schema, docs])
        let forDocs = try JSONDecoder().decode([ListedTask].self, from: Data(try repo.orch("ready", "--role", "docs-writer", "--json").stdout.utf8))
        #expect(forDocs.map(\.id) == [docs])  // a task without a role fits any worker

        #expect(id(try repo.orch("claim", "--worker", "indigo", "--role", "database-dev")) == schema)
        #expect(try repo.orch("task", "done", schema).stdout == "done \(schema.prefix(6))\n")
        let claimed = try repo.orch("claim", api, "--worker", "emerald", "--json")
        let claimedTask = try JSONDecoder().decode(ListedTask.self, from: Data(claimed.stdout.utf8))
        #expect(claimedTask.assignee == "emerald")
        #expect(try repo.orch("task", "fail", api, "--reason", "tests are red").status == 0)
        #expect(try repo.orch("task", "release", api).stdout == "release \(api.prefix(6)) from emerald\n")
        #expect(try repo.orch("claim", "--worker", "rose").stdout == api + "\n")

        let nothing = try repo.orch("claim", "--worker", "amber", "--role", "ui-dev")
        // docs is still ready for anyone, so ui-dev can take it; after that nothing is left.
        #expect(nothing.stdout == docs + "\n")
        let none = try repo.orch("claim", "--worker", "amber")
        #expect(none.status == 1)
        #expect(none.stderr == "git-orch: error: no ready task to claim\n")

        let show = try repo.orch("task", "show", api).stdout
        #expect(show.contains("state:    claimed"))
        // Released after failing for good, the task started over: this claim is its attempt 1.
        #expect(show.contains("attempts: 1"))
        #expect(show.contains("after:    \(schema.prefix(6)) \"Design schema\" [done]"))

        let log = try JSONDecoder().decode([LoggedOperation].self, from: Data(try repo.orch("log", "--json").stdout.utf8))
        #expect(log.map(\.operation) == ["claim", "claim", "release", "fail", "claim", "done", "claim", "add", "add", "add", "init"])
        #expect(log[0].tasks == [docs])
        #expect(try repo.orch("log", "-n", "2").stdoutLines.count == 2)

        let dot = try repo.orch("graph", "--dot").stdout
        #expect(dot.contains("\"\(schema)\" -> \"\(api)\";"))
        let list = try repo.orch("task", "list").stdoutLines
        #expect(list.first?.hasPrefix("ID      STATE    PRI  ROLE") == true)
        #expect(list.count == 4)
    }

    @Test func colourOnATerminalOnlyAndNeverWithNoColor() throws {
        let repo = try TemporaryRepository()
        _ = try repo.orch("init")
        _ = try repo.orch("task", "add", "x")
        for command in [["task", "list"], ["ready"], ["graph"], ["log"]] {
            #expect(try Run.orch(command, in: repo.path).stdout.contains("\u{1b}[") == false, "piped \(command)")
        }
        // `script` gives the command a pseudo-terminal, as a person's shell would.
        let onTerminal = try Run.process("/usr/bin/script", ["-qec", "\(OrchBinary.path) task list", "/dev/null"], in: repo.path, environment: ["TERM": "xterm", "NO_COLOR": ""])
        #expect(onTerminal.stdout.contains("\u{1b}[1mID"))
        let noColor = try Run.process("/usr/bin/script", ["-qec", "\(OrchBinary.path) task list", "/dev/null"], in: repo.path, environment: ["TERM": "xterm", "NO_COLOR": "1"])
        #expect(noColor.stdout.contains("ID"))
        #expect(noColor.stdout.contains("\u{1b}[") == false)
    }

    @Test func gitDirAndWorktreeConfigAreHonoured() throws {
        let repo = try TemporaryRepository()
        _ = try repo.orch("init")
        let task = id(try repo.orch("task", "add", "x"))
        // `git --git-dir=...` from outside the repository, as git runs its subcommands.
        let elsewhere = TemporaryDirectory()
        let binDirectory = URL(fileURLWithPath: OrchBinary.path).deletingLastPathComponent().path
        let viaGit = try Run.process(
            "/usr/bin/git", ["--git-dir=\(repo.path)/.git", "orch", "ready", "--json"], in: elsewhere.path,
            environment: ["PATH": "\(binDirectory):/usr/bin:/bin"])
        #expect(viaGit.status == 0, "\(viaGit.stderr)")
        #expect(viaGit.stdout.contains(task))
        // Repositories with extensions.worktreeConfig (set by git sparse-checkout) open too.
        try repo.git("config", "core.repositoryformatversion", "1")
        try repo.git("config", "extensions.worktreeConfig", "true")
        #expect(try repo.orch("task", "show", task).status == 0)
    }

    @Test func aDependencyThatAlreadyHoldsWritesNothing() throws {
        let repo = try TemporaryRepository()
        _ = try repo.orch("init")
        let a = id(try repo.orch("task", "add", "a"))
        let b = id(try repo.orch("task", "add", "b", "--after", a))
        let head = try repo.git("rev-parse", "refs/orch/graph")
        let again = try repo.orch("task", "dep", b, "--on", a)
        #expect(again.status == 0)
        #expect(again.stdout == "\(b.prefix(6)) already waits for \(a.prefix(6)) (nothing changed)\n")
        #expect(try repo.orch("task", "dep", a, "--on", b, "--remove").stdout.hasSuffix("(nothing changed)\n"))
        #expect(try repo.git("rev-parse", "refs/orch/graph") == head)
    }

    @Test func aRefMovedByUpdateRefIsSeenByTheNextCommand() throws {
        let repo = try TemporaryRepository()
        _ = try repo.orch("init")
        let task = id(try repo.orch("task", "add", "x"))
        let before = try repo.git("rev-parse", "refs/orch/graph")
        _ = try repo.orch("claim", "--worker", "indigo")
        #expect(try repo.orch("ready", "--json").stdout == "[]\n")
        try repo.git("update-ref", "refs/orch/graph", before)
        let ready = try JSONDecoder().decode([ListedTask].self, from: Data(try repo.orch("ready", "--json").stdout.utf8))
        #expect(ready.map(\.id) == [task])
    }

    @Test func worksFromALinkedWorktreeAndSubdirectory() throws {
        let repo = try TemporaryRepository()
        _ = try repo.orch("init")
        let task = id(try repo.orch("task", "add", "x"))
        let other = TemporaryDirectory("git-orch-wt")
        try repo.git("worktree", "add", "-q", "-b", "orch/indigo", other.file("indigo"))
        #expect(id(try Run.orch(["claim", "--worker", "indigo"], in: other.file("indigo"))) == task)
        try FileManager.default.createDirectory(atPath: repo.directory.file("deep/er"), withIntermediateDirectories: true)
        #expect(try Run.orch(["task", "show", task, "--json"], in: repo.directory.file("deep/er")).stdout.contains("\"assignee\":\"indigo\""))
    }

    @Test func everyCommandHasHelp() throws {
        let commands: [[String]] = [
            [], ["init"], ["task"], ["task", "add"], ["task", "list"], ["task", "show"], ["task", "dep"],
            ["task", "done"], ["task", "fail"], ["task", "release"], ["task", "import"], ["ready"], ["claim"],
            ["graph"], ["log"], ["sync"], ["clone"], ["remote"], ["remote", "setup"], ["roles"], ["roles", "list"],
            ["roles", "show"], ["missions"], ["missions", "list"], ["missions", "show"], ["missions", "validate"], ["skills"],
            ["skills", "list"], ["skills", "show"], ["skills", "select"], ["skills", "validate"], ["skills", "import"], ["mcp"],
        ]
        let empty = TemporaryDirectory()
        for command in commands {
            let result = try Run.orch(command + ["--help"], in: empty.path)
            #expect(result.status == 0, "\(command)")
            #expect(result.stdout.contains("USAGE: git-orch \(command.joined(separator: " "))"), "\(command): \(result.stdout)")
        }
    }

    /// Every command names itself: a name ArgumentParser derives from the type costs each start
    /// of `git-orch` a runtime lookup over every protocol conformance (a tenth of its start-up).
    @Test func everyCommandNamesItself() {
        var unnamed: [String] = []
        func visit(_ command: any ParsableCommand.Type) {
            if command.configuration.commandName == nil { unnamed.append(String(describing: command)) }
            for child in command.configuration.subcommands { visit(child) }
        }
        visit(GitOrch.self)
        #expect(unnamed.isEmpty, "give these a commandName: \(unnamed)")
    }

    @Test func parsingInProcess() throws {
        #expect(throws: (any Error).self) { try GitOrch.parseAsRoot(["claim"]) }  // --worker is required
        let parsed = try GitOrch.parseAsRoot(["task", "add", "t", "--after", "ab12", "--after", "cd34", "--priority", "3"])
        let add = try #require(parsed as? GitOrch.TaskGroup.Add)
        #expect(add.after == ["ab12", "cd34"])
        #expect(add.priority == 3)
        let console = CapturingConsole()
        let status = Console.$current.withValue(console) { GitOrchMain.run(["frobnicate"]) }
        #expect(status == 64)
        #expect(console.errors.count == 1)
        #expect(console.errors[0].hasPrefix("git-orch: error: Unexpected argument 'frobnicate'"))
    }
}

struct LoggedOperation: Decodable {
    var commit: String
    var operation: String
    var summary: String
    var tasks: [String]
    var time: String
    var author: String
}
