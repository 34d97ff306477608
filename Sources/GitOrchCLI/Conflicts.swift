import ArgumentParser
import GitKit
import OrchModel
import OrchStore

extension GitOrch {
    /// `git orch conflicts`: which active branches would collide. Runs here, in the lean binary:
    /// the work is a few milliseconds, and a handover to `git-orch-run` would cost more than that.
    struct Conflicts: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "conflicts",
            abstract: "Predict conflicts between every pair of worker branches (and each with main).",
            discussion: """
                Each branch's changed paths come from one tree diff against the pair's merge base; only \
                pairs whose paths meet are merged in memory (no checkout, no ref moves). Results are kept \
                by the pairs' tips in .git/orch/cache/conflicts.bin, so an unchanged pair is never merged \
                twice. Exit status 0 when nothing collides, 1 when some branches would conflict.
                """)

        @Argument(help: "Branches to compare (default: the worker branches, refs/heads/orch/*).") var branches: [String] = []
        @OptionGroup var output: JSONOption

        func run() throws {
            let console = Console.current
            if let refused = branches.first(where: { !BranchName.isAcceptable($0) }) { throw CLIError.input(BranchName.refusal(refused)) }
            let repository: Repository
            do { repository = try Repository.discoverFromEnvironment() } catch {
                if error.isNotFound { throw CLIError.notARepository(currentDirectory()) }
                throw CLIError.store(.git(error))
            }
            let main = ProtectedBranch.name(in: repository)
            let memo = ConflictMemo.load(repository)
            let report: ConflictPredictor.Report
            do {
                // The memo on disk keeps what concerns any local branch, not only those asked about.
                let live = Set(try repository.references(matching: "refs/heads/*").map(\.target))
                report = try ConflictPredictor(repository: repository, memo: memo)
                    .predict(mainBranch: main, branches: branches.isEmpty ? nil : branches, liveTips: live)
            } catch {
                throw CLIError.store(.git(error))
            }
            memo.save(repository)
            if output.json {
                console.write(Self.json(report.collisions))
            } else if report.collisions.isEmpty {
                console.print("no conflicts among \(report.branches.count) branches and \(main)")
            } else {
                let rows = report.collisions.map { [$0.first, $0.second, $0.paths.joined(separator: " ")] }
                console.write(Array(TextTable.render(["BRANCH", "WITH", "PATHS"], rows, style: Style(enabled: console.usesColor)).utf8))
            }
            // Exit status 1 (with a one-line summary on stderr) lets scripts act on a collision.
            if !report.collisions.isEmpty {
                throw CLIError.nothingClaimable("\(report.collisions.count) pair(s) of branches would conflict")
            }
        }

        /// `[{"first":…,"paths":[…],"second":…}]`: keys sorted, one line.
        static func json(_ collisions: [ConflictPredictor.Collision]) -> [UInt8] {
            var out: [UInt8] = [UInt8(ascii: "[")]
            for (index, collision) in collisions.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += Array("{\"first\":".utf8)
                TaskJSON.appendString(collision.first, to: &out)
                out += Array(",\"paths\":[".utf8)
                for (number, path) in collision.paths.enumerated() {
                    if number > 0 { out.append(UInt8(ascii: ",")) }
                    TaskJSON.appendString(path, to: &out)
                }
                out += Array("],\"second\":".utf8)
                TaskJSON.appendString(collision.second, to: &out)
                out.append(UInt8(ascii: "}"))
            }
            out += Array("]\n".utf8)
            return out
        }
    }
}
