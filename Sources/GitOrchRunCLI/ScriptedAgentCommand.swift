import ArgumentParser
import Foundation
import GitOrchCLI
import OrchRuntime

extension GitOrchRun {
    /// The `scripted` agent preset: applies the edits a task carries (for `git orch demo`).
    struct ScriptedAgentCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "__scripted-agent", shouldDisplay: false)

        @Argument(help: "The prompt file.") var promptFile: String

        func run() throws {
            let console = Console.current
            guard let prompt = try? String(contentsOfFile: promptFile, encoding: .utf8) else {
                throw CLIError.input("\(promptFile): cannot read the prompt")
            }
            do {
                let edits = try ScriptedAgent.edits(in: prompt)
                console.print("scripted agent: \(edits.count) edit\(edits.count == 1 ? "" : "s") in this task")
                let (input, output) = try ScriptedAgent.apply(edits, in: FileManager.default.currentDirectoryPath) { console.print($0) }
                console.print(ScriptedAgent.costLine(input: input, output: output))
            } catch {
                throw CLIError.input("scripted agent: \(error.description)")
            }
        }
    }
}
