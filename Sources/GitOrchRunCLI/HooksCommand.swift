import ArgumentParser
import Foundation
import GitKit
import GitOrchCLI
import OrchRuntime
import ProcessKit

extension GitOrchRun {
    /// `git orch hooks ...`: the git hooks that keep the protected branch on tested commits.
    struct Hooks: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Install the git hooks that keep main on tested commits (pre-push and a local guard).",
            discussion: """
                The hooks go to core.hooksPath when set, else .git/hooks. A hook already there is kept \
                and runs first; 'uninstall' puts it back unchanged.
                """,
            subcommands: [Install.self, Uninstall.self, Status.self, CheckPush.self, CheckRef.self])
    }
}

extension GitOrchRun.Hooks {
    static func installer() throws(CLIError) -> HookInstaller {
        let repository = try QueueCLI.openRepository()
        guard let hooks = HookInstaller.shippedHooksDirectory(executable: RunningProgram.path) else {
            throw .input("cannot find the shipped Hooks/ folder; reinstall git-orch (./install.sh) or set GIT_ORCH_SHARE")
        }
        return HookInstaller(repository: repository, shippedHooks: hooks)
    }

    static func perform(_ body: () throws(HookInstaller.Failure) -> [String]) throws(CLIError) {
        do {
            for line in try body() { Console.current.print(line) }
        } catch {
            throw .input(error.description)
        }
    }

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Install (or update) the hooks, chaining any hook already there.")
        func run() throws {
            let installer = try GitOrchRun.Hooks.installer()
            try GitOrchRun.Hooks.perform { () throws(HookInstaller.Failure) in try installer.install() }
        }
    }

    struct Uninstall: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove the hooks and restore the ones they chained.")
        func run() throws {
            let installer = try GitOrchRun.Hooks.installer()
            try GitOrchRun.Hooks.perform { () throws(HookInstaller.Failure) in try installer.uninstall() }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say where the hooks go and which are installed.")
        @OptionGroup var output: JSONOption
        func run() throws {
            let installer = try GitOrchRun.Hooks.installer()
            let directory: String
            let installed: [String: Bool]
            do {
                directory = try installer.hooksDirectory()
                installed = try installer.installed()
            } catch {
                throw CLIError.input(error.description)
            }
            if output.json {
                Console.current.write(QueueCLI.json(["directory": HookJSON.text(directory), "installed": .flags(installed)]))
                return
            }
            Console.current.print("hooks folder: \(directory)")
            for name in HookInstaller.names { Console.current.print("\(name): \(installed[name] == true ? "installed" : "not installed")") }
        }
    }

    struct CheckPush: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-push",
            abstract: "The pre-push check: reads git's pre-push input, refuses an untested push of main.",
            shouldDisplay: false)
        @Argument(help: "The remote's name and URL, as git passes them to pre-push.") var remote: [String] = []
        func run() throws {
            let refusals = ProtectedBranchGuard(repository: try QueueCLI.openRepository()).checkPush(readStandardInput())
            try refuse(refusals)
        }
    }

    struct CheckRef: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-ref",
            abstract: "The local guard: reads reference-transaction input, refuses moving main to an untested commit.",
            shouldDisplay: false)
        func run() throws {
            if ProcessInfo.processInfo.environment["GIT_ORCH_ALLOW_MAIN_UPDATE"] == "1" { return }
            let refusals = ProtectedBranchGuard(repository: try QueueCLI.openRepository()).checkReferenceUpdate(readStandardInput())
            try refuse(refusals)
        }
    }
}

/// Prints every refusal but the last, then throws the last (exit status 1: git aborts).
private func refuse(_ refusals: [String]) throws(CLIError) {
    guard let last = refusals.last else { return }
    for refusal in refusals.dropLast() { Console.current.writeError("git-orch: error: \(refusal)") }
    throw .nothingClaimable(last)
}

private func readStandardInput() -> String {
    String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
}

/// The few JSON shapes `hooks status --json` needs.
private enum HookJSON: Encodable {
    case text(String)
    case flags([String: Bool])
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let value): try container.encode(value)
        case .flags(let value): try container.encode(value)
        }
    }
}
