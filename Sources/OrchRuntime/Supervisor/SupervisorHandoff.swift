#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchModel
import ProcessKit

/// Automatic handoff: a worker asks (`handoff-requested`), and the supervisor runs
/// `git orch handoff <worker>` as a child process, since the handoff talks back to this loop
/// through the control socket (stop, restart, its step events) and must not block it.
extension Supervisor {
    func startHandoff(of handle: WorkerHandle, reason: String?) {
        let name = handle.record.name
        // One at a time: a pending handoff (in progress, or failed and waiting for --continue)
        // has its progress file.
        guard !shuttingDown, !FileManager.default.fileExists(atPath: paths.run + "/handoff-\(name).json") else { return }
        let arguments = ["handoff", name, "--reason", reason == "context" ? "context" : "tasks"]
        do { _ = try spawnHelper(arguments, log: paths.logs + "/\(name).handoff.log") } catch {
            emit(RuntimeEvent(.warning, worker: name, message: "could not start the automatic handoff: \(error.description)"))
        }
    }
}
