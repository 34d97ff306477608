#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchTestSupport
import ProcessKit
import Testing

/// A bare repository served on 127.0.0.1 by a real `git daemon` over git:// (or by git's own
/// smart-HTTP backend over https://, with a certificate made for the test), with a task graph, and
/// clones of it that each run their own team (`git orch clone --team`).
final class TeamOnRemote: @unchecked Sendable {
    enum Transport { case gitDaemon, https, ssh }

    let root = TemporaryDirectory("git-orch-multi")
    let agents: FakeAgents
    let transport: Transport
    private(set) var port = 0
    /// The server: git-daemon, or the https server.
    private var daemon: ChildProcess?
    var bare: String { root.path + "/served/team.git" }
    var url: String {
        switch transport {
        case .gitDaemon: "git://127.0.0.1:\(port)/team.git"
        case .https: "https://127.0.0.1:\(port)/team.git"
        case .ssh: "ssh://\(NSUserName())@127.0.0.1:\(port)\(bare)"
        }
    }
    /// The https server's certificate, which every git the team runs trusts.
    var certificate: String { root.path + "/cert.pem" }
    /// GIT_SSL_CAINFO rather than `http.sslCAInfo`: the variable wins over the config, and CI
    /// machines often set it to the system's bundle.
    /// Over ssh: the test's own key, and no host-key prompt or memory.
    var trust: [String: String] {
        switch transport {
        case .gitDaemon: [:]
        case .https: ["GIT_SSL_CAINFO": certificate]
        case .ssh: ["GIT_SSH_COMMAND": "ssh -i \(root.path)/client_key -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no "
                    + "-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"]
        }
    }

    init(tasks: Int, testCommand: String = "test -f README.md", agentDoes prefix: String = "", transport: Transport = .gitDaemon) throws {
        agents = try FakeAgents()
        self.transport = transport
        self.testCommand = testCommand
        try FileManager.default.createDirectory(atPath: root.path + "/served", withIntermediateDirectories: true)
        _ = try Run.git(["init", "--quiet", "--bare", "--initial-branch=main", bare], in: root.path)
        // The first clone seeds it: a README on main, the graph with the tasks.
        let seed = root.path + "/seed"
        _ = try Run.git(["init", "--quiet", "--initial-branch=main", seed], in: root.path)
        try Self.identity(seed)
        try "hello\n".write(toFile: seed + "/README.md", atomically: true, encoding: .utf8)
        _ = try Run.git(["add", "README.md"], in: seed)
        _ = try Run.git(["commit", "--quiet", "-m", "readme"], in: seed)
        #expect(try Run.orch(["init"], in: seed).status == 0)
        let lines = (0..<tasks).map { index in
            let name = String(format: "%02d", index)
            return #"{"title":"task \#(name)","body":"\#(prefix)@fake write out-\#(name).txt \#(name)"}"#
        }
        if !lines.isEmpty {
            let imported = try Run.orch(["task", "import", "-"], in: seed, input: lines.joined(separator: "\n") + "\n")
            #expect(imported.status == 0, "\(imported.stderr)")
        }
        _ = try Run.git(["remote", "add", "origin", bare], in: seed)
        _ = try Run.git(["push", "--quiet", "origin", "main"], in: seed)
        #expect(try Run.orch(["sync", "origin"], in: seed).status == 0)
        switch transport {
        case .gitDaemon: try serveWithGitDaemon()
        case .https: try serveOverHTTPS()
        case .ssh: try serveOverSSH()
        }
    }

    private func serveWithGitDaemon() throws {
        port = try Self.freePort()
        // git-daemon itself (not the `git daemon` wrapper), so that killing it ends the server.
        let execPath = try Run.git(["--exec-path"], in: root.path).trimmingCharacters(in: .whitespacesAndNewlines)
        var quiet = ProcessSpawner.Options()
        (quiet.stdout, quiet.stderr) = (.null, .null)
        daemon = try ChildProcess(execPath + "/git-daemon", ["--reuseaddr", "--export-all", "--enable=receive-pack", "--listen=127.0.0.1", "--port=\(port)",
                                                             "--base-path=\(root.path)/served", root.path + "/served"], quiet)
        let (url, root) = (self.url, self.root)
        let up = eventually(timeout: 20) { (try? Run.git(["ls-remote", url], in: root.path)) != nil }
        #expect(up, "git daemon did not come up on port \(port)")
    }

    /// OpenSSH's sshd on a free loopback port with a configuration, host key and client key of
    /// the test's own; git runs `git-upload-pack`/`git-receive-pack` through it as on any ssh host.
    private func serveOverSSH() throws {
        port = try Self.freePort()
        for key in ["host_key", "client_key"] {
            let made = try Run.process("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", root.path + "/" + key], in: root.path)
            #expect(made.status == 0, "ssh-keygen: \(made.stderr)")
        }
        try FileManager.default.copyItem(atPath: root.path + "/client_key.pub", toPath: root.path + "/authorized_keys")
        // sshd insists on its privilege separation folder.
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let config = """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(root.path)/host_key
            AuthorizedKeysFile \(root.path)/authorized_keys
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            PidFile \(root.path)/sshd.pid
            PermitRootLogin prohibit-password
            AllowUsers \(NSUserName())
            LogLevel ERROR

            """
        try config.write(toFile: root.path + "/sshd_config", atomically: true, encoding: .utf8)
        // sshd as a daemon of its own (it returns once listening; its pid file ends it): kept as a
        // Foundation child, it left the test waiting forever on the first git that used it.
        let started = try Run.process("/usr/sbin/sshd", ["-f", root.path + "/sshd_config"], in: root.path)
        #expect(started.status == 0, "sshd: \(started.stderr)")
        let (url, root, trust) = (self.url, self.root, self.trust)
        let up = eventually(timeout: 20) { (try? Run.process("/usr/bin/git", ["ls-remote", url], in: root.path, environment: trust))?.status == 0 }
        #expect(up, "sshd did not come up on port \(port)")
    }

    /// Tests/Fixtures/git-https-server.py (git http-backend behind TLS) with a certificate for
    /// 127.0.0.1 made here by openssl; the server says its port on its first line.
    private func serveOverHTTPS() throws {
        let key = root.path + "/key.pem"
        let made = try Run.process("/usr/bin/env", ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
                                                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], in: root.path)
        #expect(made.status == 0, "openssl: \(made.stderr)")
        let script = FakeAgents.fixture.replacingOccurrences(of: "fake-agent", with: "git-https-server.py")
        let output = try CollectedOutput()
        let server = try ChildProcess("/usr/bin/env", ["python3", script, root.path + "/served", certificate, key], in: root.path, output: output, errorsToo: false)
        daemon = server
        _ = eventually(timeout: 20) { output.text.contains("\n") || !server.isRunning }
        let line = String(output.text.prefix { $0 != "\n" })
        port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(port > 0, "the https server did not start: \(line)")
    }

    let testCommand: String

    deinit {
        if let text = try? String(contentsOfFile: root.path + "/sshd.pid", encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGTERM)
        }
        daemon?.kill()
    }

    /// `git orch clone --team --machine NAME`, with short settings so the tests are quick.
    /// `leaseSeconds` is also how long a machine may go unheard before it counts as gone: a test
    /// that needs no takeover gives a loaded machine (a CI runner) more than the quick 3 s.
    func machine(_ name: String, leaseSeconds: Int = 3) throws -> String {
        let path = root.path + "/" + name
        let cloned = try Run.orch(["clone", "--team", "--machine", name, url, path], in: root.path, environment: trust)
        #expect(cloned.status == 0, "\(cloned.stderr)")
        try Self.identity(path)
        for (key, value) in [("orch.pollSeconds", "0.1"), ("orch.heartbeatSeconds", "2"), ("orch.agentStartsPerMinute", "60000"),
                             ("orch.syncSeconds", "0.3"), ("orch.leaseSeconds", String(leaseSeconds)), ("orch.machineTimeoutSeconds", String(leaseSeconds)), ("orch.testCommand", testCommand)] {
            _ = try Run.git(["config", key, value], in: path)
        }
        return path
    }

    func start(_ path: String, _ arguments: String...) throws -> BackgroundSupervisor {
        try BackgroundSupervisor(["start"] + arguments, in: path, environment: agents.environment.merging(trust) { $1 })
    }

    /// Agent runs per task (`out-NN.txt` names the task in its prompt).
    func runsPerTask() -> [String: Int] {
        var counts: [String: Int] = [:]
        for run in agents.runs() {
            guard let prompt = run["prompt"] as? String,
                  let range = prompt.range(of: #"@fake write out-\d\d\.txt"#, options: .regularExpression) else { continue }
            counts[String(prompt[range].dropFirst("@fake write ".count).prefix(6)), default: 0] += 1
        }
        return counts
    }

    /// The remote's refs, straight from the bare repository.
    func remoteGit(_ arguments: String...) throws -> String { try Run.git(["--git-dir=\(bare)"] + arguments, in: root.path) }

    /// The tasks as the remote's graph has them.
    func remoteTasks() throws -> [[String: Any]] {
        try remoteGit("ls-tree", "-r", "--name-only", "refs/orch/graph").split(separator: "\n").filter { $0.hasPrefix("tasks/") }.compactMap { path in
            try JSONSerialization.jsonObject(with: Data(try remoteGit("show", "refs/orch/graph:\(path)").utf8)) as? [String: Any]
        }
    }

    func tasks(in path: String) throws -> [[String: Any]] {
        let listed = try Run.orch(["task", "list", "--json"], in: path)
        return (try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    static func identity(_ path: String) throws {
        _ = try Run.git(["config", "user.name", "Test Author"], in: path)
        _ = try Run.git(["config", "user.email", "test@example.com"], in: path)
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw GitCLIFailure(arguments: ["bind"], status: errno, stderr: "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

@Suite(.serialized) struct MultiMachineTests {
    static let needs: [TestDependency] = [.program("git"), .program("python3")]

    @Test(.enabled(if: TestDependency.runnable(MultiMachineTests.needs), Comment(rawValue: TestDependency.reason(MultiMachineTests.needs))))
    func twoMachinesRunTwentyTasksOnceEachThroughOneRemote() throws {
        try TestDependency.require(Self.needs)
        let team = try TeamOnRemote(tasks: 20)
        // Both machines live throughout: neither may be taken for gone on a busy runner.
        let alpha = try team.machine("alpha", leaseSeconds: 15), beta = try team.machine("beta", leaseSeconds: 15)
        let runs = [try team.start(alpha, "--workers", "2", "--until-done"), try team.start(beta, "--workers", "2", "--until-done")]
        for run in runs { #expect(run.wait(timeout: 300) == 0, "\(run.text)") }

        // Every task's agent ran exactly once across the two machines.
        let counts = team.runsPerTask()
        #expect(counts.count == 20, "\(counts)")
        let takeovers = runs.flatMap { $0.text.split(separator: "\n").filter { $0.contains("is gone") } }
        #expect(counts.values.allSatisfy { $0 == 1 }, "\(counts); \(takeovers)")
        // Both machines worked.
        let cwds = team.agents.runs().compactMap { $0["cwd"] as? String }
        #expect(cwds.contains { $0.contains("/alpha/") } && cwds.contains { $0.contains("/beta/") })

        // The remote's main holds all the work, and each merge carries a passing test note.
        let files = try team.remoteGit("ls-tree", "--name-only", "main").split(separator: "\n")
        #expect(files.filter { $0.hasPrefix("out-") }.count == 20, "\(files)")
        let merges = try team.remoteGit("rev-list", "--first-parent", "main", "^main~\(try mergeCount(team))").split(separator: "\n")
        #expect(!merges.isEmpty)
        for commit in merges {
            let note = try team.remoteGit("notes", "--ref=orch/tests", "show", String(commit))
            #expect(note.contains("\"exit_status\":0"), "\(commit): \(note)")
        }

        // After a sync, both clones and the remote agree.
        for clone in [alpha, beta] { #expect(try Run.orch(["sync"], in: clone).status == 0) }
        for clone in [alpha, beta] { #expect(try Run.orch(["sync"], in: clone).status == 0) }
        let remoteGraph = try team.remoteGit("rev-parse", "refs/orch/graph", "refs/orch/graph^{tree}")
        for clone in [alpha, beta] {
            #expect(try Run.git(["rev-parse", "refs/orch/graph", "refs/orch/graph^{tree}"], in: clone) == remoteGraph)
            #expect(try Run.git(["rev-parse", "main"], in: clone) == team.remoteGit("rev-parse", "main"))
        }
        #expect(try team.tasks(in: alpha).allSatisfy { $0["status"] as? String == "done" })

        // status shows each worker's machine and the team.
        let status = try JSONSerialization.jsonObject(with: Data(try Run.orch(["status", "--json"], in: alpha).stdout.utf8)) as? [String: Any]
        let workers = status?["workers"] as? [[String: Any]] ?? []
        // Every registered worker, each with the machine that ran it (new names carry it).
        #expect(workers.count == 4, "\(workers)")
        for worker in workers {
            let name = worker["name"] as? String ?? "", machine = worker["machine"] as? String ?? "-"
            #expect(name.hasSuffix("-" + machine), "\(worker)")
        }
        let machines = ((status?["team"] as? [String: Any])?["machines"] as? [[String: Any]])?.compactMap { $0["machine"] as? String }
        #expect(machines == ["alpha", "beta"])
    }

    @Test(.enabled(if: TestDependency.runnable(MultiMachineTests.needs), Comment(rawValue: TestDependency.reason(MultiMachineTests.needs))))
    func whenTheQueueRunnersMachineIsKilledTheOtherFinishesAndTakesTheLease() throws {
        try TestDependency.require(Self.needs)
        // Tasks take a moment, so a kill finds work in flight.
        let team = try TeamOnRemote(tasks: 20, agentDoes: #"@fake sleep 0.5\n"#)
        let alpha = try team.machine("alpha"), beta = try team.machine("beta")
        var runs = ["alpha": try team.start(alpha, "--workers", "2", "--until-done"), "beta": try team.start(beta, "--workers", "2", "--until-done")]
        // Wait until some work is merged and one machine holds the queue lease.
        var holder = ""
        #expect(eventually(timeout: 120) {
            holder = (try? team.remoteGit("show", "refs/orch/machines:lease/queue.json"))
                .flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }?["holder"] as? String ?? ""
            let merged = (try? team.remoteGit("ls-tree", "--name-only", "main"))?.split(separator: "\n").filter { $0.hasPrefix("out-") }.count ?? 0
            return !holder.isEmpty && merged >= 3
        })
        let victim = holder == "alpha" ? alpha : beta, survivor = holder == "alpha" ? beta : alpha
        let survivorName = holder == "alpha" ? "beta" : "alpha"
        // kill -9: the supervisor, its workers, agents and queue runner (again until none is
        // left: a child spawned while the first pass ran must not push after it).
        kill(runs[holder]!.pid, SIGKILL)
        for _ in 0..<100 {
            let left = processes(under: victim)
            if left.isEmpty { break }
            for pid in left { kill(pid, SIGKILL) }
            usleep(20_000)
        }
        _ = runs[holder]!.wait(timeout: 10)
        runs[holder] = nil
        // In flight: claimed by the victim's workers on the remote (a claim counts once pushed;
        // the victim's own graph may not have taken the last one in before the kill).
        let inFlight = Set(try team.remoteTasks().filter { $0["status"] as? String == "claimed" && ($0["assignee"] as? String ?? "").hasSuffix("-" + holder) }
            .compactMap { $0["title"] as? String }.map { "out-" + $0.suffix(2) })

        let finished = runs[survivorName]!.wait(timeout: 300)
        #expect(finished == 0, "\(runs[survivorName]!.text)")
        let files = try team.remoteGit("ls-tree", "--name-only", "main").split(separator: "\n")
        #expect(files.filter { $0.hasPrefix("out-") }.count == 20, "\(files)")
        let unsettled = try team.tasks(in: survivor).filter { $0["status"] as? String != "done" }
        let queueList = try Run.orch(["queue", "list"], in: survivor).stdout, graphLog = try team.remoteGit("log", "--format=%s", "refs/orch/graph")
        #expect(unsettled.isEmpty, "\(unsettled)\nqueue: \(queueList)\ngraph: \(graphLog)\n\(runs[survivorName]!.text)")
        // Only the tasks in flight at the kill ran twice.
        let counts = team.runsPerTask()
        #expect(counts.count == 20, "\(counts)")
        let twice = Set(counts.filter { $0.value > 1 }.map { $0.key.replacingOccurrences(of: ".txt", with: "") })
        #expect(twice.isSubset(of: inFlight), "ran twice: \(twice), in flight: \(inFlight)")
        #expect(counts.values.allSatisfy { $0 <= 2 }, "\(counts)")
        // The queue lease passed over to the survivor.
        #expect(runs[survivorName]!.text.contains("queue lease taken: this machine (\(survivorName))"), "\(runs[survivorName]!.text)")
    }

    @Test(.enabled(if: TestDependency.runnable(MultiMachineTests.needs), Comment(rawValue: TestDependency.reason(MultiMachineTests.needs))))
    func aHandoffWrittenOnOneMachineIsResumedOnAnotherAfterItIsGone() throws {
        try TestDependency.require(Self.needs)
        let team = try TeamOnRemote(tasks: 0)
        let seed = team.root.path + "/seed"
        let added = try Run.orch(["task", "add", "long one", "--body", "@fake sleep-times 1 long 120\n@fake write out-long.txt done"], in: seed)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try Run.orch(["sync", "origin"], in: seed).status == 0)
        let alpha = try team.machine("alpha"), beta = try team.machine("beta")
        let run = try team.start(alpha, "--workers", "1")
        #expect(eventually(timeout: 60) { team.agents.runs().count == 1 })
        let worker = try #require(try team.tasks(in: alpha).first?["assignee"] as? String)
        let handoff = try Run.orch(["handoff", worker, "--no-restart"], in: alpha, environment: team.agents.environment)
        #expect(handoff.status == 0, "\(handoff.stdout) \(handoff.stderr)")
        // Machine alpha is gone, without a word.
        for pid in processes(under: alpha) { kill(pid, SIGKILL) }
        kill(run.pid, SIGKILL)
        _ = run.wait(timeout: 10)
        usleep(3_500_000)  // orch.leaseSeconds: its heartbeat expires

        let prepared = try Run.orch(["resume", "--no-start", "--json"], in: beta, environment: team.agents.environment)
        #expect(prepared.status == 0, "\(prepared.stderr)")
        let listed = (try JSONSerialization.jsonObject(with: Data(prepared.stdout.utf8)) as? [[String: Any]]) ?? []
        #expect(listed.map { $0["name"] as? String } == [worker], "\(prepared.stdout)")
        #expect(listed.first?["handoff"] as? String != nil, "\(prepared.stdout)")
        let resumed = try BackgroundSupervisor(["resume", "--until-done"], in: beta, environment: team.agents.environment)
        #expect(resumed.wait(timeout: 120) == 0, "\(resumed.text)")
        let second = team.agents.runs().last
        #expect((second?["cwd"] as? String)?.contains("/beta/") == true)
        #expect((second?["prompt"] as? String)?.contains("# Handoff: \(worker)") == true, "\(second?["prompt"] ?? "-")")
        #expect(try team.remoteGit("show", "main:out-long.txt") == "done")
    }

    static let httpsNeeds: [TestDependency] = needs + [.program("openssl")]
    static let sshNeeds: [TestDependency] = needs + [.program("sshd"), .program("ssh"), .program("ssh-keygen")]

    /// The same team through an https:// remote (git's smart-HTTP backend behind TLS, as GitHub or
    /// Gitea serve one): the git CLI's transport carries claims, state, branches and main alike.
    @Test(.enabled(if: TestDependency.runnable(MultiMachineTests.httpsNeeds), Comment(rawValue: TestDependency.reason(MultiMachineTests.httpsNeeds))))
    func twoMachinesRunTheirTasksOnceEachThroughAnHTTPSRemote() throws {
        try TestDependency.require(Self.httpsNeeds)
        try twoMachinesRunTheirTasksOnceEach(through: .https)
    }

    /// And through an ssh:// remote served by OpenSSH's sshd (which needs root here: its privilege
    /// separation folder is /run/sshd).
    @Test(.enabled(if: getuid() == 0 && TestDependency.runnable(MultiMachineTests.sshNeeds),
                   Comment(rawValue: "needs root; " + TestDependency.reason(MultiMachineTests.sshNeeds))))
    func twoMachinesRunTheirTasksOnceEachThroughAnSSHRemote() throws {
        try TestDependency.require(Self.sshNeeds)
        try twoMachinesRunTheirTasksOnceEach(through: .ssh)
    }

    private func twoMachinesRunTheirTasksOnceEach(through transport: TeamOnRemote.Transport) throws {
        let team = try TeamOnRemote(tasks: 6, transport: transport)
        #expect(team.url.hasPrefix(transport == .ssh ? "ssh://" : "https://"))
        let alpha = try team.machine("alpha", leaseSeconds: 15), beta = try team.machine("beta", leaseSeconds: 15)
        let runs = [try team.start(alpha, "--workers", "1", "--until-done"), try team.start(beta, "--workers", "1", "--until-done")]
        for run in runs { #expect(run.wait(timeout: 300) == 0, "\(run.text)") }
        let counts = team.runsPerTask()
        #expect(counts.count == 6 && counts.values.allSatisfy { $0 == 1 }, "\(counts)")
        let files = try team.remoteGit("ls-tree", "--name-only", "main").split(separator: "\n")
        #expect(files.filter { $0.hasPrefix("out-") }.count == 6, "\(files)")
        for clone in [alpha, beta] { #expect(try Run.orch(["sync"], in: clone, environment: team.trust).status == 0) }
        for clone in [alpha, beta] {
            #expect(try Run.git(["rev-parse", "refs/orch/graph"], in: clone) == team.remoteGit("rev-parse", "refs/orch/graph"))
        }
        #expect(try team.tasks(in: beta).allSatisfy { $0["status"] as? String == "done" })
    }

    @Test(.enabled(if: TestDependency.runnable(MultiMachineTests.needs), Comment(rawValue: TestDependency.reason(MultiMachineTests.needs))))
    func aRemoteThatRefusesOurRefsIsReportedInItsOwnWords() throws {
        try TestDependency.require(Self.needs)
        let team = try TeamOnRemote(tasks: 3)
        let alpha = try team.machine("alpha")
        let hook = team.bare + "/hooks/pre-receive"
        try "#!/bin/sh\nwhile read old new ref; do case \"$ref\" in refs/orch/*) echo \"policy: no orchestration refs here ($ref)\"; exit 1;; esac; done\n"
            .write(toFile: hook, atomically: true, encoding: .utf8)
        chmod(hook, 0o755)
        let claimed = try Run.orch(["claim", "--worker", "indigo"], in: alpha)
        #expect(claimed.status != 0)
        #expect(claimed.stderr.contains("policy: no orchestration refs here (refs/orch/graph)"), "\(claimed.stderr)")
        #expect(claimed.stderr.split(separator: "\n").count == 1, "\(claimed.stderr)")
        // Nothing changed on either side.
        #expect(try team.tasks(in: alpha).allSatisfy { $0["status"] as? String != "claimed" })
    }

    private func mergeCount(_ team: TeamOnRemote) throws -> Int {
        Int(try team.remoteGit("rev-list", "--first-parent", "--count", "main"))! - 1
    }
}
