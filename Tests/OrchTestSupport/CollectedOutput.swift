import Foundation
public import ProcessKit

/// A pipe for a long-running child's output (a background team, a server that prints its port),
/// read to its end on a thread of its own: `text` is what the child has printed so far.
public final class CollectedOutput: @unchecked Sendable {
    private let readEnd: Int32
    /// The end the child writes to (`ChildIO.descriptor`); ours is closed by `startReading`.
    public let childEnd: Int32
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    private var reading = false

    public init() throws {
        (readEnd, childEnd) = try ProcessSpawner.pipe()
    }

    /// Once the child is spawned: closes our copy of its end, so that the reads end when the
    /// child's do, and reads from then on.
    public func startReading() {
        lock.withLock { reading = true }
        close(childEnd)
        let readEnd = self.readEnd
        Thread.detachNewThread {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = retryingOnEINTR { read(readEnd, &chunk, chunk.count) }
                guard count > 0 else { break }
                self.lock.withLock { self.bytes += chunk[0..<count] }
            }
            close(readEnd)
        }
    }

    public var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }

    /// A child that was never spawned leaves both ends to us.
    deinit {
        if !reading { [readEnd, childEnd].forEach { _ = close($0) } }
    }
}

extension ChildProcess {
    /// Starts `executable` with its output (stdout, and stderr unless `errorsToo` is false, when
    /// it goes to /dev/null) into `output`, and standard input from /dev/null.
    public convenience init(
        _ executable: String, _ arguments: [String], in directory: String, environment: [String: String] = [:],
        output: CollectedOutput, errorsToo: Bool = true
    ) throws {
        var options = ProcessSpawner.Options()
        options.directory = directory
        options.environment = environment
        options.stdin = .null
        options.stdout = .descriptor(output.childEnd)
        options.stderr = errorsToo ? .descriptor(output.childEnd) : .null
        try self.init(executable, arguments, options)
        output.startReading()
    }
}
