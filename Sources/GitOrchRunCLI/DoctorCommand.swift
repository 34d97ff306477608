import ArgumentParser
import Foundation
import GitKit
import GitOrchCLI
import OrchRuntime

extension GitOrchRun {
    /// `git orch doctor`: is this machine and repository ready for a team, and what to do if not.
    struct Doctor: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check that git orch start can run here, and say what to do about each problem.",
            discussion: """
            One line per check: git and libgit2, the repository and its task graph, the agent (on PATH, its version, \
            whether it will run unattended here, credentials), the test command, hooks, the remote's refspec for \
            refs/orch/*, the bubblewrap sandbox and free disk. Exit status 1 when git orch start would fail, 0 otherwise \
            (warnings included).
            """)

        @Option(help: "The agent to check (a preset such as claude, codex, aider, scripted, or a command line); default: the registered team's, else claude.")
        var agent: String?

        @OptionGroup var output: JSONOption

        func validate() throws {
            if let agent, agent.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--agent must not be empty") }
        }

        func run() throws {
            let repository = Result<Repository, GitError>(catching: { () throws(GitError) in try Repository.discoverFromEnvironment() })
            let checks = OrchRuntime.Doctor.checks(repository: repository, agent: agent, environment: .current)
            let console = Console.current
            if output.json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                console.print(String(decoding: try encoder.encode(checks), as: UTF8.self))
            } else {
                for line in DoctorReport.lines(checks, style: Style(enabled: console.usesColor)) { console.print(line) }
            }
            if checks.contains(where: \.blocksStart) { throw CLIError.exit(1) }
        }
    }
}

/// How checks read on a terminal: status, name, what was found, and what to do.
enum DoctorReport {
    static func lines(_ checks: [DoctorCheck], style: Style) -> [String] {
        let width = checks.map(\.name.count).max() ?? 0
        var lines = checks.map { check in
            let status: String = switch check.status {
            case .ok: style.green("ok     ")
            case .warning: style.yellow("warning")
            case .failed: style.red("FAILED ")
            }
            let name = check.name.padding(toLength: width, withPad: " ", startingAt: 0)
            return "\(status) \(name)  \(check.detail)" + (check.fix.map { " -> \($0)" } ?? "")
        }
        let failed = checks.filter(\.blocksStart).count
        let warnings = checks.filter { $0.status == .warning }.count
        lines.append(failed > 0
            ? "git orch start would fail: \(failed) problem\(failed == 1 ? "" : "s") above"
            : "ready: git orch start can run" + (warnings > 0 ? " (\(warnings) warning\(warnings == 1 ? "" : "s"))" : ""))
        return lines
    }

    /// `git orch start`'s first step: the doctor's checks that would make it fail (no version
    /// probes, to stay fast), refusing with the first problem and pointing to the doctor.
    static func preflight(_ context: RunContext, agent: String?, createsGraph: Bool) throws(CLIError) {
        let agents: [String]
        do { agents = try OrchRuntime.Doctor.agents(requested: agent, repository: context.repository) } catch { throw CLIError(error) }
        let checks = OrchRuntime.Doctor.startChecks(repository: context.repository, agents: agents, config: Result { () throws(RuntimeError) in try RuntimeConfig.read(in: context.root) },
                                                    environment: .current, probeVersions: false, createsGraph: createsGraph)
        if let refusal = refusal(checks) { throw .input(refusal) }
    }

    /// The first failure, for `git orch start` to refuse with.
    static func refusal(_ checks: [DoctorCheck]) -> String? {
        guard let first = checks.first(where: \.blocksStart) else { return nil }
        let more = checks.filter(\.blocksStart).count - 1
        return "\(first.name): \(first.detail)" + (first.fix.map { " (\($0))" } ?? "")
            + (more > 0 ? "; \(more) more problem\(more == 1 ? "" : "s")" : "") + "; see 'git orch doctor'"
    }
}
