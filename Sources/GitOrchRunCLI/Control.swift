import ArgumentParser
import GitOrchCLI
import OrchModel
import OrchRuntime

extension GitOrchRun {
    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop the team, or one worker (its task goes back to the team; its work is committed first).")

        @Argument(help: "A worker's name; without it, every worker and the supervisor stop.") var name: String?

        func run() throws {
            let context = try RunContext.open()
            let response = try context.send(ControlRequest(.stop, worker: name))
            context.console.print(response.message ?? "stopping")
        }
    }

    struct Restart: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restart a worker with the same settings; it keeps its task and resumes it.")

        @Argument(help: "The worker's name.") var name: String

        func run() throws {
            let context = try RunContext.open()
            context.console.print(try context.send(ControlRequest(.restart, worker: name)).message ?? "restarting")
        }
    }

    struct Scale: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grow or shrink the running team to N workers (1-\(TeamRequest.maxWorkers)).")

        @Argument(help: "The team size.") var count: Int

        func validate() throws {
            guard (1...TeamRequest.maxWorkers).contains(count) else {
                throw ValidationError("the team size must be between 1 and \(TeamRequest.maxWorkers), not \(count)")
            }
        }

        func run() throws {
            let context = try RunContext.open()
            context.console.print(try context.send(ControlRequest(.scale, count: count)).message ?? "scaled")
        }
    }

    struct Input: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Type a line into a worker's agent terminal (for a worker that shows needs-input).")

        @Argument(help: "The worker's name.") var name: String
        @Argument(help: "The text; Enter is added.") var text: String

        func run() throws {
            let context = try RunContext.open()
            context.console.print(try context.send(ControlRequest(.input, worker: name, text: text)).message ?? "sent")
        }
    }
}
