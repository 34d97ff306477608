import Foundation
import OrchStore

/// `orch.testCommand`: set, its program found, or what the project declares (as `init` finds it).
/// Without it the merge queue is off and tasks count as done when committed.
public enum TestCommandCheck {
    /// Words a shell runs itself, or that cannot be looked up as a program.
    static let shellWords: Set<String> = [".", ":", "[", "cd", "exec", "export", "set", "test", "true", "false", "eval", "source", "(", "{", "!"]

    public static func check(config: RuntimeConfig, root: String, environment: DoctorEnvironment) -> DoctorCheck {
        guard let command = config.string("orch.testCommand") else {
            let mission = environment.variables["GIT_ORCH_TEST_COMMAND"].flatMap { $0.isEmpty ? nil : $0 }
            if let mission { return .ok("test command", "'\(mission)' (GIT_ORCH_TEST_COMMAND)") }
            if let found = TestCommandDetection.detect(in: root).first {
                return .warning("test command", "orch.testCommand is not set; the project declares \(found)",
                                fix: "git orch init --yes (stores it and turns the merge queue on)")
            }
            return .warning("test command", "orch.testCommand is not set and none was found (merge queue off: tasks are done when committed)",
                            fix: "git config orch.testCommand 'COMMAND'")
        }
        guard let program = firstProgram(command) else { return .ok("test command", "'\(command)'") }
        let path = program.contains("/") && !program.hasPrefix("/") ? root + "/" + program : program
        if environment.executable(path) != nil || (program.contains("/") && FileManager.default.fileExists(atPath: path)) {
            return .ok("test command", "'\(command)'")
        }
        return .warning("test command", "'\(command)': \(program) is not found here, so the merge queue would reject every task",
                        fix: "install \(program), or fix orch.testCommand")
    }

    /// The program a `sh -c` command line starts with, skipping `VAR=value` words; nil when the
    /// line starts with shell syntax we do not look up.
    static func firstProgram(_ command: String) -> String? {
        for word in command.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) {
            if word.contains("=") && !word.hasPrefix("=") && !word.contains("/") { continue }
            if shellWords.contains(word) || word.contains("$") || word.contains("'") || word.contains("\"") { return nil }
            return word
        }
        return nil
    }
}
