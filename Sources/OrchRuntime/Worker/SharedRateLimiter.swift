#if canImport(Glibc)
import Glibc
#endif
import Foundation
import OrchStore
import OrchModel

/// The token bucket every worker process draws agent starts from: its state lives in one small
/// file under `.git/orch/run/`, read and written under an exclusive flock.
struct SharedRateLimiter {
    let path: String
    let capacity: Double
    let perSecond: Double

    /// Takes one start, waiting as long as needed: `pause` is called with the seconds to wait (at
    /// most half a second at a time) and returns false to give up.
    func acquire(pause: (Double) -> Bool) -> Bool {
        while true {
            let wait = tryTake()
            if wait <= 0 { return true }
            if !pause(min(wait, 0.5)) { return false }
        }
    }

    private func tryTake() -> Double {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { return 0 }
        defer { flock(fd, LOCK_UN) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = read(fd, &buffer, buffer.count)
        let fields = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self).split(separator: " ") : []
        let now = Timestamp.now()
        var bucket = TokenBucket(capacity: capacity, perSecond: perSecond, updated: now)
        if fields.count == 2, let tokens = Double(fields[0]), let micros = Int64(fields[1].trimmingCharacters(in: .whitespacesAndNewlines)) {
            bucket = TokenBucket(capacity: capacity, perSecond: perSecond, tokens: tokens, updated: Timestamp(microseconds: micros))
        }
        let wait = bucket.take(at: now)
        let text = Array("\(bucket.tokens) \(bucket.updated.microseconds)\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return wait
    }
}
