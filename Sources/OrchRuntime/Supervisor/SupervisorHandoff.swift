#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchModel

/// Automatic handoff: a worker asks (`handoff-requested`), and the supervisor runs
/// `git orch handoff <worker>` as a child process, since the handoff talks back to this loop
/// through the control socket (stop, restart, its step events) and must not block it.
extension Supervisor {
    func startHandoff(of handle: WorkerHandle, reason: String?) {
        let name = handle.record.name
        // One at a time: a pending handoff (in progress, or failed and waiting for --continue)
        // has its progress file.
        guard !shuttingDown, !FileManager.default.fileExists(atPath: paths.run + "/handoff-\(name).json") else { return }
        var options = ProcessSpawner.Options()
        options.directory = repositoryRoot
        options.stdin = .null
        options.stdout = .path(paths.logs + "/\(name).handoff.log", flags: O_WRONLY | O_CREAT | O_APPEND)
        options.stderr = .path(paths.logs + "/\(name).handoff.log", flags: O_WRONLY | O_CREAT | O_APPEND)
        options.processGroup = teamGroup ?? 0
        let arguments = ["handoff", name, "--reason", reason == "context" ? "context" : "tasks"]
        if (try? ProcessSpawner.spawn(self.options.executable, arguments, options)) == nil {
            emit(RuntimeEvent(.warning, worker: name, message: "could not start the automatic handoff"))
        }
    }
}
