#if canImport(Glibc)
import Glibc
#endif
import ProcessKit
import Testing

/// Companions, the catalog and the hooks are found beside the running executable.
@Suite struct RunningProgramTests {
    @Test func thePathIsTheRealExecutableNotArgvZero() throws {
        let path = RunningProgram.path
        #expect(path.hasPrefix("/"), "an absolute path, whatever argv[0] was: \(path)")
        // The file that is running: the same inode as /proc/self/exe.
        var running = stat(), found = stat()
        #expect(stat("/proc/self/exe", &running) == 0)
        #expect(stat(path, &found) == 0)
        #expect(running.st_ino == found.st_ino && running.st_dev == found.st_dev)
    }

    @Test func aSiblingIsInTheExecutablesFolder() {
        let path = RunningProgram.path
        let folder = String(path[..<path.lastIndex(of: "/")!])
        #expect(RunningProgram.directory == folder)
        #expect(RunningProgram.sibling("git-orch-run") == folder + "/git-orch-run")
        // The running file itself is an executable sibling; a missing name is not.
        let ownName = String(path[path.index(after: path.lastIndex(of: "/")!)...])
        #expect(RunningProgram.executableSibling(ownName) == path)
        #expect(RunningProgram.executableSibling("no-such-companion-\(getpid())") == nil)
    }
}
