import Foundation
import OrchTestSupport
import Testing

/// What a newcomer meets first: init proposing the test command, empty and misspelt inputs named,
/// help texts that read as paragraphs.
@Suite struct NewcomerTests {
    @Test func initProposesTheProjectsTestCommandAndStoresItWithYes() throws {
        let repo = try TemporaryRepository()
        try #"{"name": "web", "scripts": {"test": "vitest run"}}"#.write(toFile: repo.directory.file("package.json"), atomically: true, encoding: .utf8)
        try "module example.com/web\n".write(toFile: repo.directory.file("go.mod"), atomically: true, encoding: .utf8)
        let proposed = try repo.orch("init")
        #expect(proposed.status == 0)
        #expect(proposed.stdoutLines.last == "found the test command 'npm test' (from package.json) (also found: 'go test ./...' (from go.mod)); "
            + "accept it with 'git orch init --yes', or set another: git config orch.testCommand 'COMMAND'")
        #expect(throws: GitCLIFailure.self) { try repo.git("config", "orch.testCommand") }
        let accepted = try repo.orch("init", "--yes")
        #expect(accepted.stdoutLines == ["git-orch task graph already exists in refs/orch/graph",
                                         "orch.testCommand set to 'npm test' (from package.json) (also found: 'go test ./...' (from go.mod))"])
        #expect(try repo.git("config", "orch.testCommand") == "npm test")
        // Once set, init says what it is and changes nothing.
        #expect(try repo.orch("init", "--yes").stdoutLines.last == "test command: 'npm test' (orch.testCommand)")
    }

    @Test func initWithoutADeclaredTestCommandSaysHowToSetOne() throws {
        let repo = try TemporaryRepository()
        let result = try repo.orch("init", "--yes")
        #expect(result.stdoutLines == ["Initialized git-orch task graph in refs/orch/graph",
                                       "no test command found; set one to turn the merge queue on: git config orch.testCommand 'COMMAND'"])
        #expect(throws: GitCLIFailure.self) { try repo.git("config", "orch.testCommand") }
    }

    @Test func anEmptySkillSelectionIsAnError() throws {
        let repo = try TemporaryRepository()
        for text in ["", "   "] {
            let result = try repo.orch("skills", "select", text)
            #expect(result.status == 64, "\(result.stdout)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("the task text is empty"), "\(result.stderr)")
        }
    }

    @Test func aMisspeltOrchFolderIsNamedWithTheExpectedName() throws {
        let repo = try TemporaryRepository()
        let folder = repo.directory.file(".orch/Skills/testing")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let list = try repo.orch("skills", "list")
        #expect(list.status == 2, "\(list.stderr)")
        #expect(list.stderr.contains(".orch/Skills/: not read: git-orch reads ") && list.stderr.contains(".orch/skills (names are case-sensitive)"), "\(list.stderr)")
        let validate = try repo.orch("skills", "validate")
        #expect(validate.status == 128 && validate.stderr.contains(".orch/Skills/"), "\(validate.stderr)")
        // Roles are not concerned by a skills folder.
        #expect(try repo.orch("roles", "list").status == 0)
    }

    /// `--help` of every command, unwrapped (COLUMNS wide): its overview and discussion are
    /// paragraphs, so no line ends mid-sentence and continues in lower case on the next.
    @Test func helpTextsHaveNoLineBreaksInsideASentence() throws {
        var queue: [[String]] = [[]]
        var seen = Set<[String]>()
        var problems: [String] = []
        while let path = queue.popLast() {
            guard seen.insert(path).inserted, path.count <= 3 else { continue }
            let result = try Run.process(OrchBinary.path, path + ["--help"], in: NSTemporaryDirectory(), environment: ["COLUMNS": "1000", "LINES": "50"])
            let help = result.stdout
            #expect(result.status == 0 && help.contains("USAGE:"), "git orch \(path.joined(separator: " ")) --help: \(result.stderr)")
            problems += HelpText.sentenceBreaks(help).map { "git orch \(path.joined(separator: " ")) --help: \($0)" }
            queue += HelpText.subcommands(help).map { path + [$0] }
        }
        #expect(seen.count > 40, "only \(seen.count) commands found")
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test func theSentenceBreakCheckFindsABrokenDiscussion() {
        let broken = "OVERVIEW: Hand a worker over.\n\nIt runs five steps: write the document, commit the worktree and\nstore the document.\n\nUSAGE: git-orch handoff\n"
        let found = HelpText.sentenceBreaks(broken)
        #expect(found.count == 1 && found.first?.contains("worktree and' / 'store the document.") == true, "\(found)")
        #expect(HelpText.sentenceBreaks(broken.replacingOccurrences(of: "and\nstore", with: "and store")).isEmpty)
    }
}

/// Reading `--help` output.
enum HelpText {
    /// Line pairs in the overview and discussion (before USAGE:) where a sentence goes on.
    static func sentenceBreaks(_ help: String) -> [String] {
        let prose = help.components(separatedBy: "USAGE:").first ?? ""
        let lines = prose.components(separatedBy: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        var found: [String] = []
        for (line, next) in zip(lines, lines.dropFirst()) where !line.isEmpty {
            guard let last = line.last, let first = next.first else { continue }
            if !".:;!?)".contains(last) && first.isLowercase { found.append("'\(line.suffix(24))' / '\(next.prefix(24))'") }
        }
        return found
    }

    /// The names under SUBCOMMANDS: (hidden ones are not listed), default markers removed.
    static func subcommands(_ help: String) -> [String] {
        guard let section = help.components(separatedBy: "SUBCOMMANDS:").dropFirst().first else { return [] }
        return section.components(separatedBy: "\n").compactMap { line in
            guard line.hasPrefix("  "), !line.hasPrefix("    "), let word = line.split(separator: " ").first else { return nil }
            return word.hasPrefix("-") ? nil : String(word)
        }.filter { $0 != "help" }
    }
}
