import Foundation
import OrchModel
import OrchStore

/// Conflict prediction while the team works: every `orch.conflictSeconds` the supervisor checks
/// the worker branches pairwise (and each with main; pairs unchanged since the last check come
/// from its memo, not a new merge), and says so when a new collision appears, so people and
/// workers can rebase early rather than meet it in the merge queue.
extension Supervisor {
    func refreshConflictsIfDue() {
        guard Date().timeIntervalSince(lastConflictCheck) >= settings.conflictSeconds else { return }
        lastConflictCheck = Date()
        let branches = handles.map(\.record.branch)
        let report: ConflictPredictor.Report
        do {
            report = try ConflictPredictor(repository: repository, memo: conflictMemo).predict(mainBranch: mainBranch, branches: branches)
        } catch {
            emit(RuntimeEvent(.warning, message: "conflict prediction failed: \(error)"))
            return
        }
        var current: Set<String> = []
        for collision in report.collisions {
            let key = "\(collision.first) \(collision.second) \(collision.paths.joined(separator: ","))"
            current.insert(key)
            guard !knownConflicts.contains(key) else { continue }
            let worker = collision.second.hasPrefix("orch/") ? String(collision.second.dropFirst(5)) : nil
            emit(RuntimeEvent(.warning, worker: worker,
                              message: "\(collision.first) and \(collision.second) would conflict in \(collision.paths.joined(separator: ", ")); rebase early"))
        }
        knownConflicts = current
    }
}
