import ArgumentParser
import GitKit
import GitOrchCLI
import OrchRuntime
import OrchStore

extension GitOrchRun {
    /// `git orch conflicts`: which active branches would collide, found by in-memory merges.
    struct Conflicts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Predict conflicts between every pair of worker branches (and each with main).",
            discussion: """
                Each branch's changed paths come from one tree diff against the pair's merge base; only \
                pairs whose paths meet are merged in memory (no checkout, no ref moves). Exit status 0 \
                when nothing collides, 1 when some branches would conflict.
                """)

        @Argument(help: "Branches to compare (default: the worker branches, refs/heads/orch/*).") var branches: [String] = []
        @OptionGroup var output: JSONOption

        func run() throws {
            let repository = try QueueCLI.openRepository()
            let main = MergeQueueConfiguration.load(from: repository).mainBranch
            for branch in branches {
                _ = try QueueCLI.call { () throws(MergeQueueError) in try MergeQueue.validate(branch: branch) }
            }
            let report: ConflictPredictor.Report
            do {
                report = try ConflictPredictor(repository: repository).predict(mainBranch: main, branches: branches.isEmpty ? nil : branches)
            } catch {
                throw CLIError.store(.git(error))
            }
            if output.json {
                let rows: [[String: ConflictJSON]] = report.collisions.map {
                    ["first": .text($0.first), "second": .text($0.second), "paths": .list($0.paths)]
                }
                Console.current.write(QueueCLI.json(rows))
            } else if report.collisions.isEmpty {
                Console.current.print("no conflicts among \(report.branches.count) branches and \(main)")
            } else {
                let rows = report.collisions.map { [$0.first, $0.second, $0.paths.joined(separator: " ")] }
                Console.current.write(Array(TextTable.render(["BRANCH", "WITH", "PATHS"], rows, style: QueueCLI.style).utf8))
            }
            // Exit status 1 (with a one-line summary on stderr) lets scripts act on a collision.
            if !report.collisions.isEmpty {
                throw CLIError.nothingClaimable("\(report.collisions.count) pair(s) of branches would conflict")
            }
        }
    }
}

/// A JSON value of the few shapes the conflicts output needs.
enum ConflictJSON: Encodable {
    case text(String)
    case list([String])
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let value): try container.encode(value)
        case .list(let values): try container.encode(values)
        }
    }
}
