// orch-bench: measures git-orch against the git CLI doing the same work, in one run.
//
//   swift build -c release && .build/release/orch-bench [--quick | --queue]
//
// Prints a Markdown report (the figures in docs/benchmarks.md come from it).
import Foundation
import GitKit
import OrchModel
import OrchStore

signal(SIGPIPE, SIG_IGN)
let quick = CommandLine.arguments.contains("--quick")
let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
let orchBinary = binDirectory + "/git-orch"
guard FileManager.default.isExecutableFile(atPath: orchBinary) else {
    FileHandle.standardError.write(Data("orch-bench: \(orchBinary) not found; build it first (swift build -c release)\n".utf8))
    exit(1)
}

print("# orch-bench (\(quick ? "quick" : "full") run)\n")
print("git-orch: `\(orchBinary)`; git: `\(try Shell.run("/usr/bin/git", ["--version"], in: "/").output.trimmingCharacters(in: .whitespacesAndNewlines))`; cores: \(ProcessInfo.processInfo.activeProcessorCount)\n")

// `--queue`: only the merge-queue figure (it needs git-orch-run built next to git-orch).
if CommandLine.arguments.contains("--queue") {
    try QueueBenchmark.run()
    exit(0)
}
try StartupBenchmark.run()
try UpdateThroughputBenchmark.run(quick: quick)
try ReadyBenchmark.run(sizes: quick ? [10_000] : [10_000, 100_000])
try ConcurrentClaimBenchmark.run(processes: 16, tasks: 300)
try SyncBenchmark.run(quick: quick)
try QueueBenchmark.run()
