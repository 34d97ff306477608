import OrchModel
import GitKit
import OrchStore

/// Human and JSON renderings of tasks shared by the listing commands.
package enum TaskFormatting {
    /// The state people see: `open` splits into `ready` and `blocked`.
    static func state(of task: Task, in graph: TaskGraph) -> String {
        task.status == .open ? (graph.isReady(task) ? "ready" : "blocked") : task.status.rawValue
    }

    static func colored(_ state: String, _ style: Style) -> String {
        switch state {
        case "ready": style.green(state)
        case "blocked": style.dim(state)
        case "claimed": style.yellow(state)
        case "done": style.blue(state)
        case "failed": style.red(state)
        default: state
        }
    }

    /// An aligned table: ID, STATE, PRI, ROLE, ASSIGNEE, TITLE.
    static func table(_ tasks: [Task], graph: TaskGraph, style: Style) -> String {
        guard !tasks.isEmpty else { return "" }
        let header = ["ID", "STATE", "PRI", "ROLE", "ASSIGNEE", "TITLE"]
        let rows = tasks.map { task in
            [graph.abbreviation(of: task.id), state(of: task, in: graph), String(task.priority),
             FieldRules.escaped(task.role ?? "-"), FieldRules.escaped(task.assignee ?? "-"), FieldRules.escaped(task.title)]
        }
        return TextTable.render(header, rows, style: style) { column, cell in
            switch column {
            case 0: style.cyan(cell)
            case 1: colored(cell, style)
            default: cell
            }
        }
    }


    static func json(_ task: Task) -> [UInt8] { TaskJSON.encode(task) + [0x0a] }

    /// `task show --json`: the task, plus `attempt_refs`, its failed attempts' kept work.
    static func json(_ task: Task, keptAttempts: [AttemptRefs.Attempt]) -> [UInt8] {
        var out = TaskJSON.encode(task)
        out.removeLast()  // the closing brace
        out += Array(",\"attempt_refs\":[".utf8)
        for (index, attempt) in keptAttempts.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += Array("{\"commit\":\"\(attempt.commit.hex)\",\"number\":\(attempt.number),\"ref\":".utf8)
            TaskJSON.appendString(attempt.ref, to: &out)
            out += Array(",\"summary\":".utf8)
            TaskJSON.appendString(attempt.summary, to: &out)
            out.append(UInt8(ascii: "}"))
        }
        out += Array("]}\n".utf8)
        return out
    }
}
