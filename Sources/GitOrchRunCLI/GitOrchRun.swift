public import ArgumentParser

/// The commands that run and control workers, served by the `git-orch-run` companion
/// executable (the main `git-orch` hands over to it).
public struct GitOrchRun: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "git-orch",
        abstract: "Run and control the team of agent workers.",
        subcommands: [
            Start.self, Status.self, Stop.self, Restart.self, Scale.self, Input.self, Logs.self, Msg.self, Worker.self, ScriptedAgentCommand.self,
            Queue.self, Hooks.self, Handoff.self, Resume.self, Demo.self, Doctor.self,
        ]
    )

    public init() {}
}
