#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Where each event the supervisor hears or makes goes: the event log, every `watch` subscriber
/// on the control socket (one JSON line each), and one line of text on the terminal.
final class EventFanOut {
    let log: EventLog
    let print: @Sendable (String) -> Void
    /// Sockets of `git orch watch` and the dashboard, non-blocking: one that stops reading is dropped.
    private(set) var subscribers: [Int32] = []

    init(log: EventLog, print: @escaping @Sendable (String) -> Void) {
        self.log = log
        self.print = print
    }

    func subscribe(_ fd: Int32) { subscribers.append(fd) }

    func closeSubscribers() {
        for fd in subscribers { close(fd) }
        subscribers = []
    }

    /// Sends `event` everywhere; `workerColor` ("#6366f1") colours its worker's name on the terminal.
    func emit(_ event: RuntimeEvent, workerColor: String?) {
        log.append(event)
        if !subscribers.isEmpty {
            let line = event.jsonLine()
            subscribers.removeAll { fd in
                if ControlSocket.writeLine(fd, line) { return false }
                close(fd)
                return true
            }
        }
        // Heartbeats and output are noise on a terminal, and so is a bare state change.
        if event.isPersistent && (event.type != .state || event.message != nil) {
            print(EventLine.text(of: event, workerColor: workerColor))
        }
    }
}

/// The one line `git orch start` prints for an event: `[worker] type task-prefix title $cost: message`.
enum EventLine {
    /// `workerColor` is the worker's "#rrggbb"; without one (or `--no-color`) the name is plain.
    static func text(of event: RuntimeEvent, workerColor: String?) -> String {
        var who = event.worker ?? "supervisor"
        if let hex = workerColor, let value = Int(hex.dropFirst(), radix: 16) {
            who = "\u{1b}[38;2;\(value >> 16);\((value >> 8) & 0xff);\(value & 0xff)m\(who)\u{1b}[0m"
        }
        var text = "[\(who)] \(event.type.rawValue)"
        if let task = event.task { text += " \(task.prefix(8))" }
        if let title = event.title { text += " \(title)" }
        if let cost = event.costUSD { text += String(format: " $%.4f", cost) }
        if let message = event.message { text += ": \(message)" }
        return text
    }
}
