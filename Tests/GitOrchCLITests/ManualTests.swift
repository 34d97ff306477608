import Foundation
import OrchTestSupport
import Testing

/// The manual page and the shell completions come from `git-orch-manual`: git-orch's command tree
/// with every stub that hands over to a companion replaced by the companion's real command
/// (install.sh renders and installs them). These fail when a companion's options drop out of the
/// manual or the completions, or a stub's abstract drifts from its real command's.
@Suite struct ManualTests {
    static let binDirectory = URL(fileURLWithPath: OrchBinary.path).deletingLastPathComponent().path
    static let manualTool = binDirectory + "/git-orch-manual"
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// What `--experimental-dump-help` says of a command (the part these tests read).
    struct CommandInfo: Decodable {
        struct Argument: Decodable {
            struct Name: Decodable { var kind: String; var name: String }
            var names: [Name]?
            var parsingStrategy: String?
        }

        var commandName: String
        var abstract: String?
        var subcommands: [CommandInfo]?
        var arguments: [Argument]?

        func subcommand(_ name: String) -> CommandInfo? { subcommands?.first { $0.commandName == name } }
        var longOptions: [String] { (arguments ?? []).flatMap { $0.names ?? [] }.filter { $0.kind == "long" }.map { "--" + $0.name } }
        /// A stub: takes every argument unparsed and hands it to a companion executable.
        var forwards: Bool { (arguments ?? []).contains { $0.parsingStrategy == "allUnrecognized" } }
    }

    struct ToolInfo: Decodable { var command: CommandInfo }

    static func dumpHelp(_ executable: String) throws -> CommandInfo {
        let result = try Run.process(executable, ["--experimental-dump-help"], in: "/")
        #expect(result.status == 0, "\(executable) --experimental-dump-help: \(result.stderr)")
        return try JSONDecoder().decode(ToolInfo.self, from: Data(result.stdout.utf8)).command
    }

    static func manualTool(_ arguments: [String]) throws -> String {
        let result = try Run.process(manualTool, arguments, in: "/")
        #expect(result.status == 0, "git-orch-manual \(arguments.joined(separator: " ")): \(result.stderr)")
        return result.stdout
    }

    /// The bash script install.sh installs: the generated one, then `_git_orch` for `git orch`.
    static func bashScript() throws -> String {
        try manualTool(["--generate-completion-script", "bash"])
            + String(contentsOfFile: packageRoot + "/Sources/git-orch-manual/git-orch.bash", encoding: .utf8)
    }

    @Test func theTreeHoldsTheCompanionsRealCommands() throws {
        let root = try Self.dumpHelp(Self.manualTool)
        #expect(root.commandName == "git-orch")
        let start = try #require(root.subcommand("start"))
        #expect(Set(["--workers", "--until-done", "--agent"]).isSubset(of: start.longOptions), "\(start.longOptions)")
        let queueRun = try #require(root.subcommand("queue")?.subcommand("run"))
        #expect(Set(["--batch", "--parallel", "--test-command"]).isSubset(of: queueRun.longOptions), "\(queueRun.longOptions)")
        #expect(root.subcommand("skills")?.subcommand("select") != nil)
        #expect(root.subcommand("dashboard")?.longOptions.contains("--port") == true)
        // The task graph's own commands are there as they are, the companions' hidden ones are not.
        #expect(root.subcommand("task")?.subcommand("add") != nil)
        #expect(root.subcommand("__worker") == nil)
        let stubs = (root.subcommands ?? []).filter(\.forwards).map(\.commandName)
        #expect(stubs.isEmpty, "stubs left in the documented tree: \(stubs)")
    }

    /// git-orch lists its stubs' abstracts in its own help: each is the real command's, word for word.
    @Test func eachStubsAbstractIsTheRealCommands() throws {
        let lean = try Self.dumpHelp(OrchBinary.path)
        let documented = try Self.dumpHelp(Self.manualTool)
        let stubs = (lean.subcommands ?? []).filter(\.forwards)
        #expect(stubs.count >= 15, "\(stubs.map(\.commandName))")
        for stub in stubs {
            let real = try #require(documented.subcommand(stub.commandName), "no real command for the stub \(stub.commandName)")
            #expect(!real.forwards, "\(stub.commandName) is still a stub in git-orch-manual's tree")
            #expect(stub.abstract == real.abstract, "git orch \(stub.commandName): the stub says '\(stub.abstract ?? "")', the command '\(real.abstract ?? "")'")
        }
    }

    /// generate-manual as install.sh builds it (release), or a debug build of it.
    static let generateManual: String = {
        let candidates = [binDirectory + "/generate-manual", packageRoot + "/.build/release/generate-manual"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }()
    static let generateManualNeed = TestDependency(
        description: "generate-manual (swift build --product generate-manual; ./install.sh builds it)",
        isPresent: FileManager.default.isExecutableFile(atPath: generateManual))

    @Test(.enabled(if: TestDependency.runnable([generateManualNeed]), Comment(rawValue: TestDependency.reason([generateManualNeed]))))
    func theManualPageDocumentsTheCompanionsOptions() throws {
        try TestDependency.require([Self.generateManualNeed])
        let folder = TemporaryDirectory("git-orch-manual")
        let result = try Run.process(Self.generateManual, [Self.manualTool, "--output-directory", folder.path], in: "/")
        #expect(result.status == 0, "\(result.stderr)")
        let page = try String(contentsOfFile: folder.file("git-orch.1"), encoding: .utf8)
        // One page, a section per command (`.It Em NAME`), subcommands after their command's; a
        // section runs to the next one.
        func section(_ path: String...) -> String {
            var rest = page[...]
            for name in path {
                guard let heading = rest.range(of: "\n.It Em \(name)\n") else { return "" }
                rest = rest[heading.upperBound...]
            }
            return String(rest[..<(rest.range(of: "\n.It Em ")?.lowerBound ?? rest.endIndex)])
        }
        // An option's item: `.It Fl w , -workers Ar workers`.
        func options(_ section: String) -> Set<String> {
            Set(section.split(separator: "\n").filter { $0.hasPrefix(".It Fl ") }.flatMap { $0.split(separator: " ") }
                .filter { $0.hasPrefix("-") }.map { "-" + $0 })
        }
        let start = options(section("start")), queueRun = options(section("queue", "run"))
        #expect(Set(["--workers", "--until-done", "--agent"]).isSubset(of: start), "the manual's start section: \(start.sorted())")
        #expect(Set(["--batch", "--parallel", "--test-command"]).isSubset(of: queueRun), "the manual's queue run section: \(queueRun.sorted())")
    }

    @Test func theBashCompletionOffersTheCompanionsOptions() throws {
        let folder = TemporaryDirectory("git-orch-completion")
        let script = folder.file("git-orch")
        try Self.bashScript().write(toFile: script, atomically: true, encoding: .utf8)
        let syntax = try Run.process("/bin/bash", ["-n", script], in: "/")
        #expect(syntax.status == 0, "bash -n: \(syntax.stderr)")

        func offered(_ function: String, _ words: [String]) throws -> [String] {
            let result = try Run.process("/bin/bash", [Self.packageRoot + "/Tests/Completions/complete-words.bash", script, function] + words, in: "/")
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdoutLines
        }
        #expect(try offered("_git-orch", ["git-orch", "start", "--w"]).contains("--workers"))
        #expect(try offered("_git-orch", ["git-orch", "queue", "run", "--par"]).contains("--parallel"))
        // `git orch ...` through git's completion, which calls _git_orch.
        #expect(try offered("_git_orch", ["git", "orch", "start", "--w"]).contains("--workers"))
        #expect(try offered("_git_orch", ["git", "-C", "repo", "orch", "qu"]) == ["queue"])
    }

    @Test func zshAndFishCompletionsAreGenerated() throws {
        for shell in ["zsh", "fish"] {
            let script = try Self.manualTool(["--generate-completion-script", shell])
            #expect(script.contains("workers") && script.contains("until-done"), "\(shell): \(script.prefix(200))")
        }
    }

    static let zsh = TestDependency.program("zsh")
    static let fish = TestDependency.program("fish")

    /// The zsh completion as install.sh installs it (`_git-orch` in a folder on $fpath), loaded by
    /// compinit in an interactive zsh and asked, with a TAB, what it offers
    /// (Tests/Completions/complete-words.zsh).
    @Test(.enabled(if: TestDependency.runnable([zsh]), Comment(rawValue: TestDependency.reason([zsh]))))
    func theZshCompletionOffersOptionsAndSubcommands() throws {
        try TestDependency.require([Self.zsh])
        let folder = TemporaryDirectory("git-orch-completion")
        try Self.manualTool(["--generate-completion-script", "zsh"]).write(toFile: folder.file("_git-orch"), atomically: true, encoding: .utf8)
        func offered(_ line: String) throws -> [String] {
            let result = try Run.process("/usr/bin/env", ["zsh", "-f", Self.packageRoot + "/Tests/Completions/complete-words.zsh", folder.path, line], in: "/")
            #expect(result.status == 0, "zsh, '\(line)': \(result.stderr)")
            return result.stdoutLines
        }
        try Self.expectOffers(offered)
    }

    /// The fish completion sourced by fish and asked with `complete -C`
    /// (Tests/Completions/complete-words.fish).
    @Test(.enabled(if: TestDependency.runnable([fish]), Comment(rawValue: TestDependency.reason([fish]))))
    func theFishCompletionOffersOptionsAndSubcommands() throws {
        try TestDependency.require([Self.fish])
        let folder = TemporaryDirectory("git-orch-completion")
        let script = folder.file("git-orch.fish")
        try Self.manualTool(["--generate-completion-script", "fish"]).write(toFile: script, atomically: true, encoding: .utf8)
        func offered(_ line: String) throws -> [String] {
            let result = try Run.process("/usr/bin/env", ["fish", "--no-config", Self.packageRoot + "/Tests/Completions/complete-words.fish", script, line], in: "/")
            #expect(result.status == 0, "fish, '\(line)': \(result.stderr)")
            return result.stdoutLines
        }
        try Self.expectOffers(offered)
    }

    /// What every shell's completion offers: a companion's options, a subcommand by its prefix.
    static func expectOffers(_ offered: (String) throws -> [String]) throws {
        #expect(try offered("git-orch start --wor") == ["--workers"])
        #expect(try offered("git-orch queue run --par") == ["--parallel"])
        #expect(try offered("git-orch que") == ["queue"])
        #expect(try offered("git-orch queue ru") == ["run"])
    }

    /// The documentation tree holds the real commands: it refuses to run one.
    @Test func theManualToolRunsNoCommand() throws {
        let result = try Run.process(Self.manualTool, ["status"], in: "/")
        #expect(result.status == 2 && result.stderr.contains("runs nothing"), "\(result.status) \(result.stderr)")
    }
}
