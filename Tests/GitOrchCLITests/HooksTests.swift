import Foundation
import OrchTestSupport
import Testing

/// The hooks through the real git CLI: git runs them, they run `git orch hooks check-*`.
@Suite struct HooksTests {
    private var path: String {
        URL(fileURLWithPath: OrchBinary.path).deletingLastPathComponent().path + ":/usr/bin:/bin"
    }

    /// git with the built git-orch on PATH (as `git orch` needs), returning the whole result.
    private func git(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> ProcessResult {
        try Run.process("/usr/bin/git", arguments, in: directory, environment: environment.merging(["PATH": path]) { $1 })
    }

    @Test func prePushBlocksAnUntestedMainAllowsATestedOneAndTheUserHookStillRuns() throws {
        let repo = try TemporaryRepository()
        let remote = TemporaryDirectory("git-orch-remote")
        try Run.git(["init", "-q", "--bare", "."], in: remote.path)
        try repo.git("remote", "add", "origin", remote.path)
        try "exit 0\n".write(toFile: repo.directory.file("test.sh"), atomically: true, encoding: .utf8)
        try repo.git("add", "test.sh")
        try repo.git("commit", "-q", "-m", "tests")
        try repo.git("config", "orch.testCommand", "sh test.sh")
        try repo.git("push", "-q", "origin", "main")

        // The user's own pre-push hook, which must keep running and come back unchanged.
        let marker = repo.directory.file("user-hook-ran")
        let userHook = "#!/bin/sh\necho \"$1\" >> '\(marker)'\ncat >> '\(marker)'\n"
        let hookPath = repo.path + "/.git/hooks/pre-push"
        try userHook.write(toFile: hookPath, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: hookPath)
        let before = try Data(contentsOf: URL(fileURLWithPath: hookPath))

        let install = try git(["orch", "hooks", "install"], in: repo.path)
        #expect(install.status == 0, "\(install.stderr)")
        #expect(install.stdout.contains("pre-push.orch-chained"))
        #expect(try git(["orch", "hooks", "install"], in: repo.path).stdout.contains("updated"))  // idempotent

        // The local guard refuses moving main to an untested commit...
        try "x\n".write(toFile: repo.directory.file("x.txt"), atomically: true, encoding: .utf8)
        try repo.git("add", "x.txt")
        let refused = try git(["commit", "-q", "-m", "untested"], in: repo.path)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("refusing to move main"))
        // ...unless a person overrides it for one command.
        #expect(try git(["commit", "-q", "-m", "untested"], in: repo.path, environment: ["GIT_ORCH_ALLOW_MAIN_UPDATE": "1"]).status == 0)

        let untested = try git(["push", "origin", "main"], in: repo.path)
        #expect(untested.status != 0)
        #expect(untested.stderr.contains("has no test note"))
        #expect(try Run.git(["rev-parse", "main"], in: remote.path) != (try repo.git("rev-parse", "main")))
        #expect(try String(contentsOfFile: marker, encoding: .utf8).hasPrefix("origin\nrefs/heads/main "))

        // Through the queue, main moves to a tested commit, and that one may be pushed.
        #expect(try git(["checkout", "-q", "-b", "feature"], in: repo.path).status == 0)
        try "y\n".write(toFile: repo.directory.file("y.txt"), atomically: true, encoding: .utf8)
        try repo.git("add", "y.txt")
        #expect(try git(["commit", "-q", "-m", "feature"], in: repo.path).status == 0)
        #expect(try git(["checkout", "-q", "main"], in: repo.path).status == 0)
        #expect(try git(["orch", "queue", "add", "feature"], in: repo.path).status == 0)
        let run = try git(["orch", "queue", "run"], in: repo.path)
        #expect(run.status == 0, "\(run.stderr)")
        let tested = try git(["push", "origin", "main"], in: repo.path)
        #expect(tested.status == 0, "\(tested.stderr)")
        #expect(try Run.git(["rev-parse", "main"], in: remote.path) == (try repo.git("rev-parse", "main")))
        // Other branches are not the guard's business.
        #expect(try git(["push", "-q", "origin", "feature"], in: repo.path).status == 0)
        #expect(try String(contentsOfFile: marker, encoding: .utf8).components(separatedBy: "origin\n").count == 4)

        let uninstall = try git(["orch", "hooks", "uninstall"], in: repo.path)
        #expect(uninstall.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: hookPath)) == before)
        let mode = try FileManager.default.attributesOfItem(atPath: hookPath)[.posixPermissions] as? Int
        #expect(mode == 0o750)
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/reference-transaction"))
        #expect(!FileManager.default.fileExists(atPath: hookPath + ".orch-chained"))
    }

    @Test func coreHooksPathIsRespectedAndAnExistingGuardIsChained() throws {
        let repo = try TemporaryRepository()
        try repo.git("config", "core.hooksPath", ".githooks")
        let folder = repo.directory.file(".githooks")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let refuseAll = "#!/bin/sh\n[ \"$1\" = prepared ] && grep -q refs/heads/blocked && exit 1\nexit 0\n"
        try refuseAll.write(toFile: folder + "/reference-transaction", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder + "/reference-transaction")

        #expect(try git(["orch", "hooks", "install"], in: repo.path).status == 0)
        #expect(FileManager.default.fileExists(atPath: folder + "/pre-push"))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/pre-push"))
        let status = try git(["orch", "hooks", "status", "--json"], in: repo.path).stdout
        #expect(status.contains("\"pre-push\":true"))
        // The user's guard still refuses its branch; ours lets other branches be.
        #expect(try git(["branch", "blocked"], in: repo.path).status != 0)
        #expect(try git(["branch", "allowed"], in: repo.path).status == 0)
        #expect(try git(["orch", "hooks", "uninstall"], in: repo.path).status == 0)
        #expect(try String(contentsOfFile: folder + "/reference-transaction", encoding: .utf8) == refuseAll)
        #expect(!FileManager.default.fileExists(atPath: folder + "/pre-push"))
    }
}
