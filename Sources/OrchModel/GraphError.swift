/// Why an operation on the task graph was refused. Messages are complete sentences for people;
/// ids in them are abbreviated as the user would type them.
public enum GraphError: Error, Equatable, Sendable {
    case unknownTask(String)
    case ambiguousID(String, candidates: [String])
    case invalidID(String)
    /// The ids of the cycle in order, first repeated at the end, each with its title.
    case cycle([String])
    case invalidField(String, String)
    case invalidTransition(id: String, from: TaskStatus, operation: String)
    case blocked(id: String, by: [String])
    case alreadyClaimed(id: String, by: String)
    case nothingClaimable(role: String?)
    case dependencyOnItself(String)
    case duplicateID(String)
}

extension GraphError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unknownTask(let id): "no task matches '\(FieldRules.printable(id))'"
        case .ambiguousID(let prefix, let candidates):
            "'\(prefix)' is ambiguous; it matches \(candidates.joined(separator: ", "))"
        case .invalidID(let text): "'\(FieldRules.printable(text))' is not a task id (hex digits)"
        case .cycle(let path): "dependency cycle: \(path.joined(separator: " -> ")); nothing was changed"
        case .invalidField(let field, let reason): "\(field) \(reason)"
        case .invalidTransition(let id, let from, let operation): "cannot \(operation) \(id): it is \(from.rawValue)"
        case .blocked(let id, let by): "\(id) is blocked by unfinished \(by.joined(separator: ", "))"
        case .alreadyClaimed(let id, let by): "\(id) is already claimed by \(FieldRules.printable(by))"
        case .nothingClaimable(let role):
            role.map { "no ready task for role '\(FieldRules.printable($0))'" } ?? "no ready task to claim"
        case .dependencyOnItself(let id): "\(id) cannot depend on itself"
        case .duplicateID(let id): "a task with id \(id) already exists"
        }
    }
}
