#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchModel
import OrchStore
import ProcessKit

/// The worker processes: each started with a pipe each way (commands in, events out), its events
/// followed, its exit settled (restarted with backoff after a crash, offline when it says so or
/// crashes too often), and the agent a dead worker left behind ended.
extension Supervisor {
    func spawn(_ handle: WorkerHandle) {
        // Close-on-exec from the start (the sync thread spawns git meanwhile); the worker gets its
        // ends as its standard input and output.
        let toWorker: (read: Int32, write: Int32), fromWorker: (read: Int32, write: Int32)
        do throws(SpawnError) {
            toWorker = try ProcessSpawner.pipe()
            do { fromWorker = try ProcessSpawner.pipe() } catch {
                close(toWorker.read); close(toWorker.write)
                throw error
            }
        } catch {
            markOffline(handle, "cannot create pipes: \(String(cString: strerror(error.code)))")
            return
        }
        _ = fcntl(fromWorker.read, F_SETFL, O_NONBLOCK)
        var options = ProcessSpawner.Options()
        options.directory = repositoryRoot
        options.stdin = .descriptor(toWorker.read)
        options.stdout = .descriptor(fromWorker.write)
        options.stderr = .path(paths.logs + "/\(handle.record.name).worker.log", flags: O_WRONLY | O_CREAT | O_APPEND)
        options.processGroup = teamGroup ?? 0
        options.environment = ["GIT_ORCH_MAIN_BRANCH": mainBranch, Confinement.environmentKey: confinement.environmentValue]
        handle.confinement = confinement.description
        // A budget from the mission (not from git config) reaches the workers this way.
        if let budget = settings.teamBudgetUSD { options.environment["GIT_ORCH_TEAM_BUDGET"] = String(budget) }
        let arguments = ["__worker", handle.record.name]
        let pid: Int32
        do throws(SpawnError) {
            do { pid = try ProcessSpawner.spawn(self.options.executable, arguments, options) } catch {
                // The team's group is gone with its last member: start a new one.
                options.processGroup = 0
                pid = try ProcessSpawner.spawn(self.options.executable, arguments, options)
            }
        } catch {
            for fd in [toWorker.read, toWorker.write, fromWorker.read, fromWorker.write] { close(fd) }
            markOffline(handle, error.description)
            return
        }
        close(toWorker.read)
        close(fromWorker.write)
        if options.processGroup == 0 { teamGroup = pid }
        handle.pid = pid
        handle.commandFD = toWorker.write
        handle.eventFD = fromWorker.read
        handle.state = .starting
        handle.lastHeard = .now()
        handle.heardSinceSpawn = false
        handle.restartAt = nil
    }

    func readEvents(of handle: WorkerHandle) {
        guard let events = handle.readEvents() else {
            // End of file: the process is exiting; reapChildren settles it.
            if handle.eventFD >= 0 { close(handle.eventFD); handle.eventFD = -1 }
            return
        }
        for event in events {
            handle.apply(event)
            emit(event)
            if event.type == .handoffRequested { startHandoff(of: handle, reason: event.state) }
        }
        followTeamSync(after: events)
    }

    func reapChildren() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            guard pid > 0 else { break }
            if pid == queueRunner { queueRunnerExited(status: ProcessSpawner.exitStatus(status)); continue }
            guard let handle = handles.first(where: { $0.pid == pid }) else { continue } // an adopted orphan
            let code = ProcessSpawner.exitStatus(status)
            if handle.eventFD >= 0 { while let more = handle.readEvents(), !more.isEmpty { more.forEach { handle.apply($0); emit($0) } } }
            handle.pid = nil
            handle.closePipes()
            killAgent(of: handle)
            workerExited(handle, status: code)
        }
    }

    func workerExited(_ handle: WorkerHandle, status: Int32) {
        if handle.restarting && !shuttingDown {
            handle.restarting = false
            handle.restartAt = .now()
            return
        }
        if handle.stopping || shuttingDown {
            handle.state = .stopped
            if handle.retiring { retire(handle) }
            return
        }
        if status == 3 {
            markOffline(handle, handle.reason ?? "went offline")
            return
        }
        handle.crashesInARow += 1
        handle.state = .crashed
        emit(RuntimeEvent(.workerCrashed, worker: handle.record.name, state: WorkerState.crashed.rawValue,
                          message: "exited with status \(status)"))
        switch policy.afterCrash(crashesInARow: handle.crashesInARow, now: .now()) {
        case .offline(let reason): markOffline(handle, reason)
        case .restart(let at): handle.restartAt = at
        }
    }

    func markOffline(_ handle: WorkerHandle, _ reason: String) {
        handle.state = .offline
        handle.reason = reason
        handle.restartAt = nil
        emit(RuntimeEvent(.workerOffline, worker: handle.record.name, state: WorkerState.offline.rawValue, message: reason))
    }

    /// Ends the agent a dead worker left behind (its pid file names the agent's session).
    func killAgent(of handle: WorkerHandle) {
        let file = paths.run + "/\(handle.record.name).agent.pid"
        // No pid file is the usual case: the worker had no agent running, or removed the file itself.
        guard let text = try? String(contentsOfFile: file, encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else { return }
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
        unlink(file)
    }
}
