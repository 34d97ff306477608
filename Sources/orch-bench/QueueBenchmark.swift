import Foundation

/// The merge queue: 8 branches, one of which breaks the tests, merged by `git orch queue run`
/// in batches of 8 (bisected when red) and one at a time. The test command sleeps 0.2 s to stand
/// for a real test suite, so the figures show what batching saves: test runs and wall time.
enum QueueBenchmark {
    static func run() throws {
        print("## Merge queue: 8 branches, one culprit (test command: 0.2 s)\n")
        print("| mode | test runs | wall time | merged | rejected |")
        print("|---|---|---|---|---|")
        for batch in [8, 1] {
            let directory = NSTemporaryDirectory() + "orch-bench-queue-\(getpid())-\(batch)"
            try? FileManager.default.removeItem(atPath: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try prepare(directory)
            var output = ""
            let elapsed = try seconds {
                output = try Shell.run(orchBinary, ["queue", "run", "--batch", String(batch), "--json"], in: directory).output
            }
            let report = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
            let runs = report["test_runs"] as? Int ?? -1
            let merged = (report["merged"] as? [Any])?.count ?? -1
            let rejected = (report["rejected"] as? [Any])?.count ?? -1
            print("| \(batch == 1 ? "one at a time" : "batch of \(batch), bisected") | \(runs) | \(String(format: "%.2f s", elapsed)) | \(merged) | \(rejected) |")
        }
        print()
    }

    /// A repository with 8 queued branches, each adding one file; the sixth says BROKEN.
    private static func prepare(_ directory: String) throws {
        try Shell.git(["init", "-q", "-b", "main", "."], in: directory)
        try Shell.git(["config", "user.name", "bench"], in: directory)
        try Shell.git(["config", "user.email", "bench@localhost"], in: directory)
        try "sleep 0.2\nif grep -q BROKEN *.txt; then exit 1; fi\n".write(toFile: directory + "/test.sh", atomically: true, encoding: .utf8)
        try Shell.git(["add", "test.sh"], in: directory)
        try Shell.git(["commit", "-q", "-m", "tests"], in: directory)
        try Shell.git(["config", "orch.testCommand", "sh test.sh"], in: directory)
        for index in 1...8 {
            try Shell.git(["checkout", "-q", "-b", "b\(index)", "main"], in: directory)
            try (index == 6 ? "BROKEN\n" : "fine\n").write(toFile: directory + "/f\(index).txt", atomically: true, encoding: .utf8)
            try Shell.git(["add", "f\(index).txt"], in: directory)
            try Shell.git(["commit", "-q", "-m", "b\(index)"], in: directory)
            try Shell.git(["checkout", "-q", "main"], in: directory)
            let added = try Shell.run(orchBinary, ["queue", "add", "b\(index)"], in: directory)
            guard added.status == 0 else { throw BenchError("git orch queue add b\(index) failed (is git-orch-run built?)") }
        }
    }
}
