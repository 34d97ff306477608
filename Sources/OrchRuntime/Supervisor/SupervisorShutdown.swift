#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchModel
import ProcessKit

/// Stopping the team: the workers are asked to stop (they save their work first) and given 20
/// seconds; a second interrupt, or the deadline, kills every process of the team.
extension Supervisor {
    func handleSignals() {
        for signal in SignalPipe.drain() where signal != SIGCHLD {
            if shuttingDown {
                options.print("second interrupt: killing the workers now")
                killEverything()
                shutdownDeadline = Date()
            } else {
                options.print("stopping the workers (they save their work first; interrupt again to kill them)")
                beginShutdown(status: 130)
            }
        }
    }

    func beginShutdown(status: Int32) {
        guard !shuttingDown else { return }
        shuttingDown = true
        exitStatus = status
        shutdownDeadline = Date().addingTimeInterval(20)
        for handle in handles {
            handle.stopping = true
            handle.restartAt = nil
            handle.send(WorkerCommand(.stop))
        }
        if let queueRunner { kill(queueRunner, SIGTERM) }
    }

    func killEverything() {
        for handle in handles {
            killAgent(of: handle)
            if let pid = handle.pid { kill(pid, SIGKILL) }
        }
        if let teamGroup { kill(-teamGroup, SIGKILL) }
        if let runner = queueRunner {
            kill(runner, SIGKILL)
            _ = ProcessSpawner.wait(runner, block: true)
            queueRunner = nil
        }
        for handle in handles where handle.pid != nil {
            _ = ProcessSpawner.wait(handle.pid!, block: true)
            handle.pid = nil
            handle.closePipes()
        }
    }
}
