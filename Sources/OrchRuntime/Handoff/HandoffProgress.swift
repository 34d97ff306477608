import Foundation
import OrchStore

/// The five steps of a handoff, in order.
public enum HandoffStep: Int, Codable, Sendable, CaseIterable {
    case document = 1, commit, push, stop, start

    public var name: String {
        switch self {
        case .document: "document"
        case .commit: "commit"
        case .push: "push"
        case .stop: "stop"
        case .start: "start"
        }
    }

    public var summary: String {
        switch self {
        case .document: "write the handoff document"
        case .commit: "commit the worktree and store the document"
        case .push: "push the branch and state"
        case .stop: "stop the current session"
        case .start: "start a new session"
        }
    }
}

/// Where a handoff got to, kept in `.git/orch/run/handoff-<worker>.json` while it runs so that a
/// failed step can be retried with `handoff --continue` (the earlier steps are not redone: the
/// document already written is the one stored, the commit already made is the one noted).
public struct HandoffProgress: Codable, Sendable, Equatable {
    public enum State: String, Codable, Sendable { case pending, running, done, failed, skipped }

    public struct StepState: Codable, Sendable, Equatable {
        public var step: HandoffStep
        public var state: State
        public var message: String?
    }

    public var id: String
    public var worker: String
    public var recipient: String
    public var reason: String
    public var restart: Bool
    public var started: String
    public var document: String?
    public var task: String?
    public var taskTitle: String?
    public var commit: String?
    public var steps: [StepState]

    init(id: String, worker: String, recipient: String, reason: String, restart: Bool, started: String) {
        self.id = id
        self.worker = worker
        self.recipient = recipient
        self.reason = reason
        self.restart = restart
        self.started = started
        steps = HandoffStep.allCases.map { StepState(step: $0, state: .pending) }
    }

    /// The first step not done or skipped, nil when the handoff is complete.
    public var next: HandoffStep? {
        steps.first { $0.state != .done && $0.state != .skipped }?.step
    }

    public var failed: StepState? { steps.first { $0.state == .failed } }

    static func path(_ paths: RuntimePaths, worker: String) -> String { paths.run + "/handoff-\(worker).json" }

    static func load(_ paths: RuntimePaths, worker: String) throws(RuntimeError) -> HandoffProgress? {
        guard let data = FileManager.default.contents(atPath: path(paths, worker: worker)) else { return nil }
        do { return try JSONDecoder().decode(HandoffProgress.self, from: data) } catch {
            throw .io(path(paths, worker: worker), "unreadable handoff progress (\(error)); remove it to start over")
        }
    }

    func save(_ paths: RuntimePaths) throws(RuntimeError) {
        try FileManager.default.createDirectory(atPath: paths.run, withIntermediateDirectories: true)
        let file = Self.path(paths, worker: worker)
        guard FileManager.default.createFile(atPath: file + ".tmp", contents: Data(JSONDocuments.encode(self))),
              rename(file + ".tmp", file) == 0 else { throw .io(file, "cannot write the handoff progress") }
    }

    static func remove(_ paths: RuntimePaths, worker: String) {
        unlink(path(paths, worker: worker))
    }
}
