#if canImport(Glibc)
import Glibc
#endif

/// Calls `body` again for as long as it fails with EINTR (a signal arrived before the call did
/// anything) and returns its last result: what it returned, negative with `errno` set on
/// another failure. The package's one EINTR loop, for `read`, `write`, `poll`, `waitpid`,
/// `accept` and the like.
public func retryingOnEINTR<Result: BinaryInteger>(_ body: () -> Result) -> Result {
    while true {
        let result = body()
        if result >= 0 || errno != EINTR { return result }
    }
}

/// Writes all of `bytes` to a blocking descriptor, retrying short writes and EINTR; false when a
/// write fails (a closed peer, a full disk).
public func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
    var done = 0
    while done < bytes.count {
        let count = retryingOnEINTR { write(fd, bytes.baseAddress! + done, bytes.count - done) }
        if count <= 0 { return false }
        done += count
    }
    return true
}

/// Writes all of `bytes` (see the buffer variant).
public func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { writeAll(fd, $0) }
}
