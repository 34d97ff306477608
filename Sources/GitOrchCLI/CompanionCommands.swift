import ArgumentParser

/// Commands served by `git-orch-run` (the supervisor, its workers, the merge queue): the main
/// binary hands the whole command line over, so help, errors and exit codes are the companion's.
/// Each abstract is the real command's, word for word (git-orch's own help lists them; a test
/// compares them with the companions'), and the manual documents the real command.
/// Each names itself in its configuration (`commandName: name`): a name left for ArgumentParser to
/// derive from the type costs every `git-orch` start a runtime type lookup.
protocol RunCompanionCommand: ParsableCommand {
    static var name: String { get }
    var arguments: [String] { get }
}

extension RunCompanionCommand {
    func run() throws { try Companion.exec("git-orch-run", [Self.name] + arguments) }
}

extension GitOrch {
    struct Start: RunCompanionCommand {
        static let configuration = CommandConfiguration(commandName: name, abstract: "Start the team: N agent workers, each in its own worktree and branch, pulling tasks from the graph.", helpNames: [])
        static let name = "start"
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }

    struct Status: RunCompanionCommand {
        static let configuration = CommandConfiguration(commandName: name, abstract: "Show the team: each worker's state, task, rounds and cost; the tasks; the budget.", helpNames: [])
        static let name = "status"
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }

    struct Stop: RunCompanionCommand {
        static let configuration = CommandConfiguration(commandName: name, abstract: "Stop the team, or one worker (its task goes back to the team; its work is committed first).", helpNames: [])
        static let name = "stop"
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }

    struct Restart: RunCompanionCommand {
        static let configuration = CommandConfiguration(commandName: name, abstract: "Restart a worker with the same settings; it keeps its task and resumes it.", helpNames: [])
        static let name = "restart"
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }

    struct Scale: RunCompanionCommand {
        static let configuration = CommandConfiguration(commandName: name, abstract: "Grow or shrink the running team to N workers (1-64).", helpNames: [])
        static let name = "scale"
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }

    struct Input: RunCompanionCommand {
        static let configuration = CommandConfiguration(commandName: name, abstract: "Type a line into a worker's agent terminal (for a worker that shows needs-input).", helpNames: [])
        static let name = "input"
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }

    struct Logs: RunCompanionCommand {
        static let configuration = CommandConfiguration(commandName: name, abstract: "Print a worker's terminal output (kept, bounded, in .git/orch/logs/), or the team's events.", helpNames: [])
        static let name = "logs"
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }

    struct Msg: RunCompanionCommand {
        static let configuration = CommandConfiguration(commandName: name, abstract: "Messages between workers: kept in refs/orch/messages until the recipient's next prompt.", helpNames: [])
        static let name = "msg"
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }

    struct Queue: RunCompanionCommand {
        static let configuration = CommandConfiguration(
            commandName: name,
            abstract: "The merge queue: main only moves to commits whose exact tree passed the tests.", helpNames: [])
        static let name = "queue"
        @Argument(parsing: .allUnrecognized, help: "add BRANCH | list | run | status | remove ID") var arguments: [String] = []
    }

    struct Hooks: RunCompanionCommand {
        static let configuration = CommandConfiguration(
            commandName: name,
            abstract: "Install the git hooks that keep main on tested commits (pre-push and a local guard).", helpNames: [])
        static let name = "hooks"
        @Argument(parsing: .allUnrecognized, help: "install | uninstall | status") var arguments: [String] = []
    }

    struct Handoff: RunCompanionCommand {
        static let configuration = CommandConfiguration(
            commandName: name,
            abstract: "Hand a worker's session over to a fresh one (or to another worker), with a document in git.", helpNames: [])
        static let name = "handoff"
        @Argument(parsing: .allUnrecognized, help: "NAME [--to OTHER] [--no-restart] [--continue] | list [NAME] | show ID") var arguments: [String] = []
    }

    struct Resume: RunCompanionCommand {
        static let configuration = CommandConfiguration(
            commandName: name,
            abstract: "Resume the registered team here (on a clone, say): worktrees, branches, then start.", helpNames: [])
        static let name = "resume"
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }

    struct Doctor: RunCompanionCommand {
        static let configuration = CommandConfiguration(
            commandName: name,
            abstract: "Check that git orch start can run here, and say what to do about each problem.", helpNames: [])
        static let name = "doctor"
        @Argument(parsing: .allUnrecognized, help: "[--agent A] [--json]") var arguments: [String] = []
    }

    struct Demo: RunCompanionCommand {
        static let configuration = CommandConfiguration(
            commandName: name,
            abstract: "See git-orch do its whole job: a small project, a dozen tasks, 4 workers, the merge queue, a handoff.", helpNames: [])
        static let name = "demo"
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }
}

extension GitOrch {
    /// Served by `git-orch-dashboard` (SwiftNIO and Hummingbird stay out of the other binaries).
    struct Dashboard: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dashboard",
            abstract: "Watch and steer the team in a browser: each worker's live terminal, its state and cost, and buttons.", helpNames: [])
        @Argument(parsing: .allUnrecognized, help: "[--port N]") var arguments: [String] = []
        func run() throws { try Companion.exec("git-orch-dashboard", arguments) }
    }
}
