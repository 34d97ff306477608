#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ProcessKit

/// One team on two hosts through a plain git remote (issue 16): two network namespaces joined by
/// a veth pair, the bare remote served by `git daemon` in one, two clones (machines alpha and
/// beta) in the other, at 0 ms and at 50 ms of added round trip. Measured: claims per second
/// (8 claimers, 4 per clone, `git orch claim` until nothing is left), tasks per minute of
/// `git orch start --workers 4 --until-done` on both clones with an agent that returns at once,
/// and plain `git fetch` + `git push` round trips over the same link.
///
/// Needs root and iproute2. The delay is `tc netem` on both ends of the veth; on a kernel without
/// netem, `DelayRelay` in front of the daemon holds the bytes instead (the report says which).
/// Only addresses of 10.213.77.0/30 on the veth are used, and the namespaces are deleted at the
/// end, also on failure.
enum TeamRemoteBenchmark {
    static let remoteNamespace = "orch-bench-remote", hostsNamespace = "orch-bench-hosts"
    static let remoteAddress = "10.213.77.1", hostsAddress = "10.213.77.2"
    static let port = 9418

    static func run(quick: Bool) throws {
        let tasks = quick ? 16 : 40
        print("## A team on two hosts through one git remote (2 x 4 workers, \(tasks) tasks, network namespaces)\n")
        guard geteuid() == 0 else { throw BenchError("needs root: it makes network namespaces (ip netns add) and a veth pair") }
        let network = try Network()
        defer { network.remove() }
        print("Link: a veth pair between namespaces \(remoteNamespace) (\(remoteAddress), `git daemon`) and \(hostsNamespace) (\(hostsAddress), "
            + "both clones); the delay by \(network.netem ? "`tc netem` on both ends of the veth" : "a delaying TCP relay in front of `git daemon` (this kernel has no netem: `Specified qdisc kind is unknown`)").\n")
        print("| added round trip | claims/s (8 claimers, \(tasks) tasks) | tasks/min (2 x 4 workers) | `git fetch` + `git push` (median) |")
        print("|---|---|---|---|")
        for delay in [0, 50] {
            try network.setDelay(milliseconds: delay)
            let claims = try claimRate(network, tasks: tasks)
            let team = try teamRate(network, tasks: tasks)
            let roundTrip = try fetchPushRoundTrip(network, rounds: quick ? 10 : 20)
            print("| \(delay) ms | \(String(format: "%.1f", claims)) | \(String(format: "%.1f", team)) | \(milliseconds(roundTrip)) |")
        }
        if !network.netem {
            try network.setDelay(milliseconds: 0)
            print("\nThe relay's own cost: `git fetch` + `git push` straight to `git daemon`, no relay: \(milliseconds(try fetchPushRoundTrip(network, rounds: quick ? 10 : 20, direct: true))) (median).")
        }
        print("")
    }

    // MARK: The measurements

    /// 8 processes claiming at once, 4 in each clone, until nothing is claimable: claims per second.
    static func claimRate(_ network: Network, tasks: Int) throws -> Double {
        let remote = try network.serveRemote(tasks: tasks)
        defer { remote.stop() }
        let clones = try ["alpha", "beta"].map { try remote.clone(machine: $0) }
        let claimed = ClaimCounts()
        let wall = seconds {
            DispatchQueue.concurrentPerform(iterations: 8) { index in
                let clone = clones[index % 2], worker = "claimer\(index)-\(index % 2 == 0 ? "alpha" : "beta")"
                while let result = try? network.inHosts(orchBinary, ["claim", "--worker", worker], in: clone), result.status == 0 {
                    claimed.add(worker)
                }
            }
        }
        // Exactly once across the machines: every task claimed, none twice.
        guard claimed.total == tasks else { throw BenchError("\(claimed.total) claims of \(tasks) tasks") }
        return Double(tasks) / wall
    }

    /// Both clones run `git orch start --workers 4 --until-done`: tasks per minute until both end.
    static func teamRate(_ network: Network, tasks: Int) throws -> Double {
        let remote = try network.serveRemote(tasks: tasks)
        defer { remote.stop() }
        let clones = try ["alpha", "beta"].map { try remote.clone(machine: $0) }
        // One shell that writes a file of the task's own ({prompt_file} is its $0).
        let agent = "/bin/sh -c 'date +%s%N >> out-$GIT_ORCH_TASK.txt' {prompt_file}"
        let statuses = StatusSlots(count: 2)
        let wall = seconds {
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                let result = try? network.inHosts(orchBinary, ["start", "--workers", "4", "--until-done", "--agent", agent], in: clones[index], discardOutput: true)
                statuses.set(index, result?.status ?? -1)
            }
        }
        guard statuses.all.allSatisfy({ $0 == 0 }) else { throw BenchError("git orch start exited \(statuses.all) (logs in \(remote.root))") }
        let merged = try Shell.git(["--git-dir=\(remote.bare)", "ls-tree", "--name-only", "main"], in: remote.root)
            .split(separator: "\n").filter { $0.hasPrefix("out-") }.count
        guard merged == tasks else { throw BenchError("the remote's main holds \(merged) of \(tasks) tasks' work") }
        return Double(tasks) / wall * 60
    }

    /// A clone's `git fetch` then `git push` of a new commit, timed together: the git CLI's own
    /// round trips over the same link.
    static func fetchPushRoundTrip(_ network: Network, rounds: Int, direct: Bool = false) throws -> Double {
        let remote = try network.serveRemote(tasks: 0)
        defer { remote.stop() }
        let clone = remote.root + "/plain"
        let url = direct ? remote.directURL : remote.url
        guard try network.inHosts("/usr/bin/git", ["clone", "-q", url, clone], in: remote.root).status == 0 else {
            throw BenchError("git clone \(url) failed")
        }
        var times: [Double] = []
        for round in 0..<rounds {
            _ = try Shell.git(["-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "--allow-empty", "-m", "round \(round)"], in: clone)
            var failed = false
            times.append(try seconds {
                failed = try network.inHosts("/usr/bin/git", ["fetch", "-q", "origin"], in: clone).status != 0
                    || network.inHosts("/usr/bin/git", ["push", "-q", "origin", "HEAD:refs/heads/plain"], in: clone).status != 0
            })
            if failed { throw BenchError("git fetch + push failed in round \(round)") }
        }
        return median(times)
    }

    // MARK: The network

    /// The two namespaces and the veth between them; `remove` deletes them (and so the veth).
    final class Network: @unchecked Sendable {
        private(set) var netem = false
        private var delay = 0
        private var relay: Int32?

        init() throws {
            // Leftovers of an interrupted run of this benchmark (these names are ours).
            for name in [remoteNamespace, hostsNamespace] { Self.deleteNamespace(name) }
            do {
                try Self.ip(["netns", "add", remoteNamespace])
                try Self.ip(["netns", "add", hostsNamespace])
                try Self.ip(["link", "add", "orchb-remote", "netns", remoteNamespace, "type", "veth", "peer", "name", "orchb-hosts", "netns", hostsNamespace])
                try Self.ip(["-n", remoteNamespace, "addr", "add", remoteAddress + "/30", "dev", "orchb-remote"])
                try Self.ip(["-n", hostsNamespace, "addr", "add", hostsAddress + "/30", "dev", "orchb-hosts"])
                for (namespace, device) in [(remoteNamespace, "orchb-remote"), (hostsNamespace, "orchb-hosts")] {
                    try Self.ip(["-n", namespace, "link", "set", "lo", "up"])
                    try Self.ip(["-n", namespace, "link", "set", device, "up"])
                }
                // netem when the kernel has it (probed once, with no delay yet).
                netem = (try? Self.ip(["netns", "exec", remoteNamespace, "tc", "qdisc", "add", "dev", "orchb-remote", "root", "netem", "delay", "0ms"])) != nil
                if netem { try Self.ip(["netns", "exec", hostsNamespace, "tc", "qdisc", "add", "dev", "orchb-hosts", "root", "netem", "delay", "0ms"]) }
            } catch {
                remove()
                throw error
            }
        }

        /// Half the round trip on each end (netem), or the relay's hold in each direction.
        func setDelay(milliseconds: Int) throws {
            delay = milliseconds
            guard netem else { return }
            for (namespace, device) in [(remoteNamespace, "orchb-remote"), (hostsNamespace, "orchb-hosts")] {
                try Self.ip(["netns", "exec", namespace, "tc", "qdisc", "change", "dev", device, "root", "netem", "delay", "\(milliseconds / 2)ms"])
            }
        }

        /// A fresh bare remote with `tasks` tasks, served from the remote's namespace.
        func serveRemote(tasks: Int) throws -> ServedRemote {
            let remote = try ServedRemote(tasks: tasks, network: self)
            do {
                // The daemon listens on the veth (and, for the relay, on loopback); without netem
                // the team goes through the relay, on the next port.
                let execPath = try Shell.git(["--exec-path"], in: remote.root)
                remote.daemon = try Self.spawn("/usr/sbin/ip", ["netns", "exec", remoteNamespace, execPath + "/git-daemon", "--reuseaddr", "--export-all",
                                                                "--enable=receive-pack", "--listen=\(remoteAddress)", "--listen=127.0.0.1", "--port=\(port)",
                                                                "--base-path=\(remote.root)/served", remote.root + "/served"])
                if !netem {
                    remote.relay = try Self.spawn("/usr/sbin/ip", ["netns", "exec", remoteNamespace, binDirectory + "/orch-bench", "--relay",
                                                                   "\(remoteAddress):\(port + 1)", "127.0.0.1:\(port)", String(delay / 2)])
                    remote.url = "git://\(remoteAddress):\(port + 1)/team.git"
                }
                // Up when the other host can list it.
                for _ in 0..<200 {
                    if try inHosts("/usr/bin/git", ["ls-remote", remote.url], in: remote.root).status == 0 { return remote }
                    usleep(50_000)
                }
                throw BenchError("git daemon did not answer on \(remote.url)")
            } catch {
                remote.stop()
                throw error
            }
        }

        /// Runs a program in the hosts' namespace.
        func inHosts(_ executable: String, _ arguments: [String], in directory: String, discardOutput: Bool = false) throws -> Shell.Result {
            try Shell.run("/usr/sbin/ip", ["netns", "exec", hostsNamespace, executable] + arguments, in: directory, discardOutput: discardOutput)
        }

        func remove() {
            for name in [remoteNamespace, hostsNamespace] { Self.deleteNamespace(name) }
        }

        /// Ends the processes left in a namespace of ours, then deletes it (its veth end goes too).
        private static func deleteNamespace(_ name: String) {
            guard let listed = try? Shell.run("/usr/sbin/ip", ["netns", "list"], in: "/"),
                  listed.output.split(separator: "\n").contains(where: { $0.split(separator: " ").first.map(String.init) == name }) else { return }
            if let pids = try? Shell.run("/usr/sbin/ip", ["netns", "pids", name], in: "/") {
                for pid in pids.output.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
            }
            _ = try? Shell.run("/usr/sbin/ip", ["netns", "del", name], in: "/")
        }

        static func ip(_ arguments: [String]) throws {
            let result = try Shell.run("/usr/sbin/ip", arguments, in: "/")
            guard result.status == 0 else {
                throw BenchError("ip \(arguments.joined(separator: " ")) failed: \(result.output.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        }

        static func spawn(_ executable: String, _ arguments: [String]) throws -> ChildProcess {
            var options = ProcessSpawner.Options()
            (options.stdout, options.stderr) = (.null, .null)
            return try ChildProcess(executable, arguments, options)
        }
    }

    /// A bare repository with a README on main and a task graph, and the processes serving it.
    final class ServedRemote {
        let root: String
        var bare: String { root + "/served/team.git" }
        /// Straight to `git daemon`.
        let directURL = "git://\(TeamRemoteBenchmark.remoteAddress):\(TeamRemoteBenchmark.port)/team.git"
        /// Where the team goes: the daemon, or the delaying relay in front of it.
        lazy var url = directURL
        var daemon: ChildProcess?
        var relay: ChildProcess?
        private let network: Network

        init(tasks: Int, network: Network) throws {
            self.network = network
            root = NSTemporaryDirectory() + "orch-bench-team-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: root + "/served", withIntermediateDirectories: true)
            _ = try Shell.git(["init", "-q", "--bare", "-b", "main", bare], in: root)
            let seed = root + "/seed"
            _ = try Shell.git(["init", "-q", "-b", "main", seed], in: root)
            try "bench\n".write(toFile: seed + "/README.md", atomically: true, encoding: .utf8)
            _ = try Shell.git(["add", "README.md"], in: seed)
            _ = try Shell.git(["-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", "initial"], in: seed)
            guard try Shell.run(orchBinary, ["init"], in: seed).status == 0 else { throw BenchError("git orch init failed") }
            if tasks > 0 {
                let lines = (0..<tasks).map { "{\"title\":\"bench task \($0)\"}" }.joined(separator: "\n") + "\n"
                guard try Shell.run(orchBinary, ["task", "import", "-"], in: seed, input: Data(lines.utf8)).status == 0 else {
                    throw BenchError("git orch task import failed")
                }
            }
            _ = try Shell.git(["remote", "add", "origin", bare], in: seed)
            _ = try Shell.git(["push", "-q", "origin", "main"], in: seed)
            guard try Shell.run(orchBinary, ["sync", "origin"], in: seed).status == 0 else { throw BenchError("git orch sync origin failed") }
        }

        /// `git orch clone --team --machine NAME` from the hosts' namespace, ready to run a team.
        func clone(machine: String) throws -> String {
            let path = root + "/" + machine
            let cloned = try network.inHosts(orchBinary, ["clone", "--team", "--machine", machine, url, path], in: root)
            guard cloned.status == 0 else { throw BenchError("git orch clone --team \(url) failed: \(cloned.output)") }
            for (key, value) in [("user.name", "bench"), ("user.email", "bench@example.com"), ("orch.testCommand", "test -f README.md"),
                                 ("orch.agentStartsPerMinute", "100000"), ("orch.agentStartBurst", "1000")] {
                _ = try Shell.git(["config", key, value], in: path)
            }
            return path
        }

        func stop() {
            for process in [relay, daemon].compactMap({ $0 }) { process.kill() }
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    final class ClaimCounts: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [String: Int] = [:]
        func add(_ worker: String) { lock.withLock { counts[worker, default: 0] += 1 } }
        var total: Int { lock.withLock { counts.values.reduce(0, +) } }
    }

    final class StatusSlots: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Int32]
        init(count: Int) { slots = Array(repeating: -1, count: count) }
        func set(_ index: Int, _ status: Int32) { lock.withLock { slots[index] = status } }
        var all: [Int32] { lock.withLock { slots } }
    }
}
