#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchModel
import OrchStore

/// The supervisor's side of the control socket: status, stop, restart, scale, input, subscribe.
extension Supervisor {
    func acceptClients() {
        while true {
            let fd = accept(listenFD, nil, nil)
            guard fd >= 0 else { return }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            clients[fd] = []
        }
    }

    func serveClient(_ fd: Int32) {
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = read(fd, &chunk, chunk.count)
        guard count > 0 else {
            clients[fd] = nil
            close(fd)
            return
        }
        clients[fd, default: []] += chunk[0..<count]
        guard let newline = clients[fd]!.firstIndex(of: UInt8(ascii: "\n")) else { return }
        let line = Data(clients[fd]![..<newline])
        clients[fd] = nil
        // Not hidden: the client is told its request was unreadable.
        guard let request = try? JSONDecoder().decode(ControlRequest.self, from: line) else {
            ControlSocket.writeLine(fd, ControlSocket.encode(ControlResponse(ok: false, error: "unreadable request")))
            close(fd)
            return
        }
        if request.command == .subscribe {
            ControlSocket.writeLine(fd, ControlSocket.encode(ControlResponse(ok: true, status: status())))
            // Non-blocking from here on: a watcher that stops reading is dropped, never waited for.
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            events.subscribe(fd)
            return
        }
        let response: ControlResponse
        do {
            response = try handle(request)
        } catch {
            response = ControlResponse(ok: false, error: error.description)
        }
        ControlSocket.writeLine(fd, ControlSocket.encode(response))
        close(fd)
    }

    private func handle(_ request: ControlRequest) throws(RuntimeError) -> ControlResponse {
        switch request.command {
        case .status, .subscribe:
            return ControlResponse(ok: true, status: status())
        case .stop:
            guard let name = request.worker else {
                beginShutdown(status: 0)
                return ControlResponse(ok: true, message: "stopping \(handles.filter(\.isLive).count) workers")
            }
            let handle = try worker(name)
            guard handle.isLive else { return ControlResponse(ok: true, message: "\(name) is not running") }
            handle.stopping = true
            // A single worker stopped while the team goes on gives its task back to the team.
            handle.send(WorkerCommand(.stop, release: true))
            return ControlResponse(ok: true, message: "stopping \(name)")
        case .restart:
            let handle = try worker(try required(request.worker, "worker"))
            handle.crashesInARow = 0
            handle.reason = nil
            if handle.isLive {
                // Restarted as soon as it has saved its work and exited; it keeps its task.
                handle.restarting = true
                handle.send(WorkerCommand(.stop))
            } else {
                handle.stopping = false
                handle.restartAt = .now()
            }
            return ControlResponse(ok: true, message: "restarting \(handle.record.name)")
        case .scale:
            let count = try required(request.count, "count")
            return ControlResponse(ok: true, message: try scale(to: count))
        case .input:
            let handle = try worker(try required(request.worker, "worker"))
            handle.send(WorkerCommand(.input, text: request.text ?? ""))
            return ControlResponse(ok: true, message: "sent to \(handle.record.name)")
        case .handoffStop:
            let handle = try worker(try required(request.worker, "worker"))
            guard handle.isLive else { return ControlResponse(ok: true, message: "\(handle.record.name) is not running") }
            // Stopped without releasing its task; `restart` brings it back on the same task.
            handle.stopping = true
            handle.restartAt = nil
            handle.send(WorkerCommand(.stop, release: false))
            return ControlResponse(ok: true, message: "stopping \(handle.record.name) for a handoff")
        case .announce:
            guard let event = RuntimeEvent.parse(try required(request.text, "text")) else {
                throw .invalidInput("announce: 'text' is not an event")
            }
            emit(event)
            return ControlResponse(ok: true)
        case .pause, .resume:
            let targets = try request.worker.map { name throws(RuntimeError) in [try worker(name)] } ?? handles
            for handle in targets { handle.send(WorkerCommand(request.command == .pause ? .pause : .resume)) }
            return ControlResponse(ok: true, message: "\(request.command.rawValue)d \(targets.map(\.record.name).joined(separator: ", "))")
        }
    }

    private func required<T>(_ value: T?, _ field: String) throws(RuntimeError) -> T {
        guard let value else { throw .invalidInput("the request needs '\(field)'") }
        return value
    }

    private func worker(_ name: String) throws(RuntimeError) -> WorkerHandle {
        guard let handle = handles.first(where: { $0.record.name == name }) else {
            throw .invalidInput("no worker named '\(name)' (workers: \(handles.map(\.record.name).joined(separator: ", ")))")
        }
        return handle
    }

    /// Adds workers (new names and colours, registered) or stops the last ones (their tasks go
    /// back to the team and their records are retired).
    @discardableResult
    func scale(to count: Int) throws(RuntimeError) -> String {
        guard (1...TeamRequest.maxWorkers).contains(count) else {
            throw .invalidInput("scale: the team size must be between 1 and \(TeamRequest.maxWorkers), not \(count)")
        }
        let active = handles.filter { !$0.retiring }
        if count > active.count {
            let registry = WorkerRegistry(repository: repository)
            let registered = try store { () throws(StoreError) in try registry.all() }
            var names = Set(handles.map(\.record.name))
            var records: [WorkerRecord] = []
            // Retired workers come back (with their history) before new names are made up.
            for record in registered where record.retired && !names.contains(record.name) && active.count + records.count < count {
                var revived = record
                revived.retired = false
                records.append(revived)
                names.insert(record.name)
            }
            var slot = 0
            while active.count + records.count < count {
                let (name, color) = WorkerColor.slot(slot)
                slot += 1
                guard !names.contains(name), !registered.contains(where: { $0.name == name }) else { continue }
                names.insert(name)
                let template = active.first?.record
                records.append(WorkerRecord(
                    name: name, color: color, agent: options.request.agent ?? template?.agent ?? TeamRequest.defaultAgent,
                    roles: options.request.roles ?? [], model: options.request.model ?? template?.model,
                    budgetUSD: options.request.budgetUSD, created: .now()))
            }
            try store { () throws(StoreError) in try registry.save(records, message: "scale to \(count): add " + records.map(\.name).joined(separator: ", ")) }
            for record in records {
                let handle = WorkerHandle(record: record)
                handles.append(handle)
                emit(RuntimeEvent(.workerScaled, worker: record.name, message: "added"))
                spawn(handle)
            }
            return "scaled to \(count) (added \(records.map(\.name).joined(separator: ", ")))"
        }
        let removed = Array(active.suffix(active.count - count))
        for handle in removed {
            handle.retiring = true
            handle.stopping = true
            if handle.isLive { handle.send(WorkerCommand(.stop, release: true)) } else { retire(handle) }
            emit(RuntimeEvent(.workerScaled, worker: handle.record.name, message: "removed"))
        }
        return removed.isEmpty ? "already \(count) workers" : "scaled to \(count) (stopping \(removed.map(\.record.name).joined(separator: ", ")))"
    }

    func retire(_ handle: WorkerHandle) {
        var record = handle.record
        record.retired = true
        do { try WorkerRegistry(repository: repository).save([record], message: "retire \(record.name)") } catch {
            emit(RuntimeEvent(.warning, worker: record.name, message: "could not record \(record.name) as retired: \(error.description)"))
        }
        handles.removeAll { $0 === handle }
    }

    /// The team as `status` shows it.
    func status() -> TeamStatus {
        var summary: LedgerSummary?
        do { summary = try Ledger(repository: repository).summary() } catch {
            warnOnce("costs unknown: \(error.description)")
        }
        var tasks = TeamStatus.Tasks()
        do { tasks = TeamStatus.Tasks(try taskStore.snapshot().graph) } catch {
            warnOnce("cannot read the task graph: \(error.description)")
        }
        return TeamStatus(
            running: true, pid: getpid(), started: started.iso8601, mainBranch: mainBranch,
            workers: handles.map { handle in
                let totals = summary?.byWorker[handle.record.name]
                return handle.status(costUSD: totals?.costUSD ?? 0, tasksDone: totals?.tasksDone ?? 0)
            },
            tasks: tasks, costUSD: summary?.total.costUSD ?? 0, budgetUSD: settings.teamBudgetUSD)
            .addingTeamOrWarning(repository) { emit(RuntimeEvent(.warning, message: $0)) }
    }
}
