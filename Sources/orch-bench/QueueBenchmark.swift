import Foundation

/// The merge queue: 40 branches, one in ten breaking the tests (entries 6, 16, 26, 36), merged by
/// `git orch queue run` with its defaults (adaptive batches, automatic lanes, known trees not
/// re-run) and one at a time (`--batch 1 --parallel 1`). The test command sleeps 0.3 s to stand
/// for a real test suite. Each run must merge exactly the 36 good branches.
enum QueueBenchmark {
    static let entries = 40
    static let culprits: Set<Int> = [6, 16, 26, 36]

    static func run() throws {
        print("## Merge queue: \(entries) branches, \(culprits.count) failing (test command: 0.3 s)\n")
        print("| mode | test runs | wall time | merged | rejected | speed-up |")
        print("|---|---|---|---|---|---|")
        var oneAtATime: Double?
        for (label, arguments) in [("one at a time (`--batch 1 --parallel 1`)", ["--batch", "1", "--parallel", "1"]), ("defaults", [])] {
            let directory = NSTemporaryDirectory() + "orch-bench-queue-\(getpid())-\(arguments.count)"
            try? FileManager.default.removeItem(atPath: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try prepare(directory)
            var output = ""
            let elapsed = try seconds {
                output = try Shell.run(orchBinary, ["queue", "run", "--json"] + arguments, in: directory).output
            }
            let report = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
            let runs = report["test_runs"] as? Int ?? -1
            let merged = try branches(report["merged"])
            let rejected = try branches(report["rejected"])
            let good = Set((1...entries).filter { !culprits.contains($0) }.map { "b\($0)" })
            guard Set(merged) == good, merged.count == good.count, Set(rejected) == Set(culprits.map { "b\($0)" }) else {
                throw BenchError("queue run \(arguments.joined(separator: " ")) merged \(merged.sorted()) and rejected \(rejected.sorted())")
            }
            let speedUp = oneAtATime.map { String(format: "%.2fx", $0 / elapsed) } ?? "1x"
            if oneAtATime == nil { oneAtATime = elapsed }
            print("| \(label) | \(runs) | \(String(format: "%.2f s", elapsed)) | \(merged.count) | \(rejected.count) | \(speedUp) |")
        }
        print()
    }

    private static func branches(_ value: Any?) throws -> [String] {
        guard let rows = value as? [[String: Any]] else { throw BenchError("queue run --json: no entry list") }
        return rows.compactMap { $0["branch"] as? String }
    }

    /// A repository with the queued branches, each adding one file; the culprits' say BROKEN.
    private static func prepare(_ directory: String) throws {
        try Shell.git(["init", "-q", "-b", "main", "."], in: directory)
        try Shell.git(["config", "user.name", "bench"], in: directory)
        try Shell.git(["config", "user.email", "bench@localhost"], in: directory)
        try "sleep 0.3\nif grep -q BROKEN *.txt; then exit 1; fi\n".write(toFile: directory + "/test.sh", atomically: true, encoding: .utf8)
        try Shell.git(["add", "test.sh"], in: directory)
        try Shell.git(["commit", "-q", "-m", "tests"], in: directory)
        try Shell.git(["config", "orch.testCommand", "sh test.sh"], in: directory)
        for index in 1...entries {
            try Shell.git(["checkout", "-q", "-b", "b\(index)", "main"], in: directory)
            try (culprits.contains(index) ? "BROKEN\n" : "fine\n").write(toFile: directory + "/f\(index).txt", atomically: true, encoding: .utf8)
            try Shell.git(["add", "f\(index).txt"], in: directory)
            try Shell.git(["commit", "-q", "-m", "b\(index)"], in: directory)
            try Shell.git(["checkout", "-q", "main"], in: directory)
            let added = try Shell.run(orchBinary, ["queue", "add", "b\(index)"], in: directory)
            guard added.status == 0 else { throw BenchError("git orch queue add b\(index) failed (is git-orch-run built?)") }
        }
    }
}
