#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A port range of its own for one process (a worker, a queue test lane): the lowest slot n whose
/// lock file `.git/orch/run/ports/<n>.lock` this process can `flock`. Held for the process's life
/// and released by the kernel when it ends, even by a crash, so a slot is never leaked.
final class PortSlot {
    let number: Int
    private let descriptor: Int32

    private init(number: Int, descriptor: Int32) {
        self.number = number
        self.descriptor = descriptor
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    /// The lowest free slot, labelled with `owner` (for whoever looks in the folder).
    static func acquire(in folder: String, owner: String, limit: Int = 1000) throws(RuntimeError) -> PortSlot {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for number in 0..<limit {
            let path = folder + "/\(number).lock"
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw .io(path, String(cString: strerror(errno))) }
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
                ftruncate(descriptor, 0)
                let label = Array((owner + "\n").utf8)
                _ = label.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                return PortSlot(number: number, descriptor: descriptor)
            }
            close(descriptor)
        }
        throw .io(folder, "all \(limit) port slots are taken")
    }
}
