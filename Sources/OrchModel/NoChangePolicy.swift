/// Whether an agent run that changed nothing still counts as done. Most tasks exist to change the
/// repository, so a run that leaves it untouched is a failed attempt ("made no changes"); a task
/// labelled `no-change-ok`, or one for a coordination role (planning, review, triage), may
/// legitimately end with no change.
public enum NoChangePolicy {
    public static let label = "no-change-ok"

    public static func allowsNoChange(labels: [String], roleKind: RoleKind?) -> Bool {
        labels.contains(label) || roleKind == .coordination
    }
}
