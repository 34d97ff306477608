import GitKit
import OrchModel

/// What the parts of one worker share (the loop, its prompt assembly, its task settlement): who
/// it is, the repository and its worktree, the line to the supervisor and its own run files.
struct WorkerScope {
    let record: WorkerRecord
    let repository: Repository
    let channel: WorkerChannel
    let paths: RuntimePaths
    let worktree: String
    let mainBranch: String
    let memory: WorkerMemory
}
