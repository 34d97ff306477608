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
var quick = false
var only: String?
/// Every benchmark but team-remote (root and iproute2: it makes network namespaces) runs unless
/// `--only` names one. A benchmark that cannot run says why in one line and fails the run.
let runs: [(name: String, body: () throws -> Void)] = [
    ("startup", { try StartupBenchmark.run() }),
    ("updates", { try UpdateThroughputBenchmark.run(quick: quick) }),
    ("ready", { try ReadyBenchmark.run(sizes: quick ? [10_000] : [10_000, 100_000]) }),
    ("claims", { try ConcurrentClaimBenchmark.run(processes: 16, tasks: 300) }),
    ("sync", { try SyncBenchmark.run(quick: quick) }),
    ("conflicts", { try ConflictBenchmark.run(quick: quick) }),
    ("queue", { try QueueBenchmark.run() }),
    ("team", { try TeamBenchmark.run(quick: quick) }),
    ("sandbox", { try SandboxBenchmark.run() }),
    ("real-agents", { try RealAgentBenchmark.run(quick: quick, required: only == "real-agents") }),
    ("team-remote", { try TeamRemoteBenchmark.run(quick: quick) }),
]
let benchmarks = runs.map(\.name)
let usage = """
    usage: orch-bench [--quick] [--only NAME | --queue]

    Measures git-orch against the git CLI doing the same work, in one run, and prints a Markdown
    report (docs/benchmarks.md). Build first: swift build -c release.

      --quick        smaller sizes, for a look rather than figures
      --only NAME    one benchmark: \(benchmarks.joined(separator: ", "))
                     (team-remote needs root and iproute2, and runs only when named)
      --queue        the same as --only queue
      -h, --help     this text

    """
func refuse(_ message: String, status: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data("orch-bench: \(message)\n".utf8))
    exit(status)
}
if CommandLine.arguments.contains("--help") || CommandLine.arguments.contains("-h") {
    print(usage, terminator: "")
    exit(0)
}
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--quick": quick = true
    case "--queue": only = "queue"
    case "--only":
        guard let name = arguments.popFirst() else { refuse("--only needs a benchmark's name: \(benchmarks.joined(separator: ", "))") }
        guard benchmarks.contains(name) else { refuse("no benchmark '\(name)' (--only): \(benchmarks.joined(separator: ", "))") }
        only = name
    default: refuse("unknown argument '\(argument)'; see orch-bench --help")
    }
}
let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
let orchBinary = binDirectory + "/git-orch"
guard FileManager.default.isExecutableFile(atPath: orchBinary) else {
    FileHandle.standardError.write(Data("orch-bench: \(orchBinary) not found; build it first (swift build -c release)\n".utf8))
    exit(1)
}

print("# orch-bench (\(quick ? "quick" : "full") run)\n")
print("git-orch: `\(orchBinary)`; git: `\(try Shell.run("/usr/bin/git", ["--version"], in: "/").output.trimmingCharacters(in: .whitespacesAndNewlines))`; cores: \(ProcessInfo.processInfo.activeProcessorCount)\n")

for run in runs where only == run.name || only == nil && run.name != "team-remote" {
    do {
        try run.body()
    } catch {
        // Said in the report and on stderr; the run fails (the figures are missing).
        print("\(run.name) did not run: \(error)\n")
        refuse("\(run.name): \(error)", status: 1)
    }
}
