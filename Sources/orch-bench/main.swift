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
// The team-remote benchmark's delaying relay runs as this program inside a network namespace.
if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "--relay" { DelayRelay.main(Array(CommandLine.arguments.dropFirst(2))) }
let quick = CommandLine.arguments.contains("--quick")
let only = CommandLine.arguments.firstIndex(of: "--only").map { CommandLine.arguments[$0 + 1] }
let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
let orchBinary = binDirectory + "/git-orch"
guard FileManager.default.isExecutableFile(atPath: orchBinary) else {
    FileHandle.standardError.write(Data("orch-bench: \(orchBinary) not found; build it first (swift build -c release)\n".utf8))
    exit(1)
}

print("# orch-bench (\(quick ? "quick" : "full") run)\n")
print("git-orch: `\(orchBinary)`; git: `\(try Shell.run("/usr/bin/git", ["--version"], in: "/").output.trimmingCharacters(in: .whitespacesAndNewlines))`; cores: \(ProcessInfo.processInfo.activeProcessorCount)\n")

/// `--only NAME` runs one benchmark (startup, updates, ready, claims, sync, conflicts, queue, team, sandbox,
/// real-agents, team-remote); `--queue` is the same as `--only queue`. team-remote (root and iproute2: it makes
/// network namespaces) runs only when asked for by name.
func selected(_ name: String) -> Bool {
    only == nil && name != "team-remote" && !CommandLine.arguments.contains("--queue") || only == name || name == "queue" && CommandLine.arguments.contains("--queue")
}

if selected("startup") { try StartupBenchmark.run() }
if selected("updates") { try UpdateThroughputBenchmark.run(quick: quick) }
if selected("ready") { try ReadyBenchmark.run(sizes: quick ? [10_000] : [10_000, 100_000]) }
if selected("claims") { try ConcurrentClaimBenchmark.run(processes: 16, tasks: 300) }
if selected("sync") { try SyncBenchmark.run(quick: quick) }
if selected("conflicts") { try ConflictBenchmark.run(quick: quick) }
if selected("queue") { try QueueBenchmark.run() }
if selected("team") { try TeamBenchmark.run(quick: quick) }
if selected("sandbox") { try SandboxBenchmark.run() }
if selected("real-agents") { try RealAgentBenchmark.run(quick: quick, required: only == "real-agents") }
if selected("team-remote") {
    do {
        try TeamRemoteBenchmark.run(quick: quick)
    } catch {
        // Said in the report and on stderr; the run fails (the figures are missing).
        print("team-remote did not run: \(error)\n")
        FileHandle.standardError.write(Data("orch-bench: team-remote: \(error)\n".utf8))
        exit(1)
    }
}
