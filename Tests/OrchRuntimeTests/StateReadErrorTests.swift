import Foundation
import GitKit
import OrchModel
import OrchRuntime
import OrchStore
import OrchTestSupport
import Testing

/// State that cannot be read is said, never taken for "none": a damaged ref or config must not
/// read as an empty ledger, a missing branch, an untested-but-allowed commit or a checkout that
/// is not there.
@Suite struct StateReadErrorTests {
    /// A blob's id: what a damaged state ref points to.
    static func blob(_ repo: TemporaryRepository) throws -> String {
        try Run.git(["hash-object", "-w", "--stdin"], in: repo.path, input: Data("garbage\n".utf8))
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func worker(_ name: String) -> WorkerRecord {
        WorkerRecord(name: name, color: WorkerColor(name: "indigo", hex: "#4b0082", background: "#000000"), agent: "scripted", created: .now())
    }

    static func document(_ repo: TemporaryRepository, worker: String) throws(RuntimeError) -> String {
        let repository: Repository
        do { repository = try repo.open() } catch { throw .invalidInput("\(error)") }
        return try HandoffDocument(repository: repository, repositoryRoot: repo.path)
            .build(.init(worker: Self.worker(worker), recipient: worker, reason: "test", mainBranch: "main", time: .now())).text
    }

    @Test func aHandoffDocumentSaysTheLedgerAndTheTestNotesCannotBeReadRatherThanLeaveThemOut() throws {
        let repo = try TemporaryRepository()
        try TaskStore(repository: try repo.open()).initialize()
        try repo.git("branch", "orch/indigo")
        let healthy = try Self.document(repo, worker: "indigo")
        #expect(healthy.contains("No test result recorded") && !healthy.contains("Unknown"), "\(healthy)")

        let blob = try Self.blob(repo)
        try repo.git("update-ref", StateRefs.ledger, blob)
        try repo.git("update-ref", StateRefs.testNotes, blob)
        let text = try Self.document(repo, worker: "indigo")
        #expect(text.contains("## Cost so far\n\nUnknown: \(StateRefs.ledger) cannot be read"), "\(text)")
        #expect(text.contains("## Test status\n\nUnknown: the test note of") && text.contains("cannot be read from \(StateRefs.testNotes)"), "\(text)")
    }

    @Test func aWorkerBranchThatCannotBeReadFailsTheHandoffDocumentRatherThanReadAsNotCreatedYet() throws {
        let repo = try TemporaryRepository()
        try TaskStore(repository: try repo.open()).initialize()
        try repo.git("branch", "orch/indigo")
        try "garbage\n".write(toFile: repo.path + "/.git/refs/heads/orch/indigo", atomically: true, encoding: .utf8)
        let error = #expect(throws: RuntimeError.self) { try Self.document(repo, worker: "indigo") }
        #expect(error?.description.contains("refs/heads/orch/indigo") == true, "\(String(describing: error))")
    }

    /// The guard behind the hooks: a green note on something that cannot be read as a commit
    /// proves nothing about the tree main would point to.
    @Test func theProtectedBranchGuardRefusesACommitItCannotRead() throws {
        let repo = try TemporaryRepository()
        let repository = try repo.open()
        let blob = try #require(OID(hex: try Self.blob(repo)))
        let tree = try repo.git("rev-parse", "HEAD^{tree}").trimmingCharacters(in: .whitespacesAndNewlines)
        let green = QueueTestRecord(command: "true", attempts: [.init(exitStatus: 0, durationSeconds: 1)], logTail: "", tree: tree,
                                    base: "", entries: [], time: .now())
        try QueueStore(repository: repository).recordTest(green, on: blob)
        let problem = ProtectedBranchGuard(repository: repository, mainBranch: "main").problem(with: blob.hex)
        #expect(problem?.contains("cannot be read as a commit") == true, "\(String(describing: problem))")
    }

    /// A checkout of main whose `.git` cannot be read: skipping it would move main under it, so
    /// the queue stops and says which checkout.
    @Test func theQueueDoesNotMoveMainPastACheckoutOfItItCannotRead() throws {
        let fixture = try MergeQueueFixture()
        try fixture.branch("work", files: ["work.txt": "ok\n"])
        let linked = fixture.scratch.file("linked")
        try fixture.repo.git("worktree", "add", "-q", "--force", linked, "main")
        try "garbage\n".write(toFile: linked + "/.git", atomically: true, encoding: .utf8)
        let start = try fixture.repo.git("rev-parse", "main")
        let queue = try fixture.queue()
        try queue.enqueue(branch: "work", task: nil, worker: nil)
        let error = #expect(throws: MergeQueueError.self) { try queue.processNext() }
        #expect(error?.description.contains(linked + "/.git") == true, "\(String(describing: error))")
        #expect(try fixture.repo.git("rev-parse", "main") == start)
    }

    /// A config git cannot read (here: an include with a bad line, which libgit2 passes over) is
    /// an error for the settings, and the doctor's settings and remote checks say so rather than
    /// use defaults ("does not fetch refs/orch/*").
    @Test func aConfigGitCannotReadFailsTheSettingsAndTheDoctorSaysSo() throws {
        let repo = try TemporaryRepository()
        try repo.git("remote", "add", "origin", "https://example.invalid/x.git")
        let repository = try repo.open()
        try "[[[ not a config\n".write(toFile: repo.path + "/bad.cfg", atomically: true, encoding: .utf8)
        let config = try String(contentsOfFile: repo.path + "/.git/config", encoding: .utf8)
        try (config + "[include]\n\tpath = \(repo.path)/bad.cfg\n").write(toFile: repo.path + "/.git/config", atomically: true, encoding: .utf8)

        let error = #expect(throws: RuntimeError.self) { try RuntimeConfig.read(in: repo.path) }
        #expect(error?.description.contains("bad.cfg") == true, "\(String(describing: error))")
        let checks = Doctor.startChecks(repository: repository, agents: [], config: Result { () throws(RuntimeError) in try RuntimeConfig.read(in: repo.path) },
                                        environment: DoctorEnvironment(variables: ["PATH": "/nonexistent"], isRoot: false, home: "/nonexistent"),
                                        probeVersions: false, createsGraph: true)
        let settings = checks.first { $0.name == "settings" }
        #expect(settings?.status == .failed && settings?.detail.contains("cannot be read") == true, "\(checks)")
        let remote = RepositoryChecks.remote(repository, config: RuntimeConfig())
        #expect(remote.status == .failed && remote.detail.contains("remote.origin.fetch") && remote.detail.contains("bad.cfg"), "\(remote)")
    }
}
