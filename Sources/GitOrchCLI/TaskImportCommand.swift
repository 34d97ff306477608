#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import OrchModel
import OrchStore

extension GitOrch.TaskGroup {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Add many tasks from JSON lines, all or nothing, as one operation.",
            discussion: """
                One task per line: {"ref": "a", "title": "...", "body": "...", "role": "...", "priority": 0, \
                "after": ["a", "<id>"], "labels": [], "files": []}. Only title is required; "after" names \
                refs of earlier lines or existing task ids. Prints the new ids, one per line.
                """)

        @Argument(help: "A JSON-lines file, or - for standard input.")
        var file: String

        func run() throws {
            let context = try Context.open()
            let source = file == "-" ? "<stdin>" : file
            guard let bytes = file == "-" ? LocalFiles.readAll(fd: STDIN_FILENO) : LocalFiles.read(file) else {
                throw CLIError.input("\(file): cannot read file (\(String(cString: strerror(errno))))")
            }
            let snapshot = try context.snapshot()
            let store = context.store
            let tasks: [Task]
            do {
                let lines = try TaskImport.parse(bytes, source: source)
                tasks = try TaskImport.tasks(
                    from: lines, source: source, graph: snapshot.graph, start: store.clock(),
                    makeID: { (title, time) throws(StoreError) in try store.newTaskID(title: title, at: time) })
            } catch {
                throw CLIError.store(error)
            }
            try context.apply(.add(tasks))
            context.console.print(tasks.map(\.id.hex).joined(separator: "\n"))
        }
    }
}
