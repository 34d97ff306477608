#if canImport(Glibc)
import Glibc
#endif

/// A worker's terminal output on disk, bounded: past `limit` bytes the file moves to `.1`
/// (replacing the older one) and a new one starts, so at most twice `limit` is kept.
final class TerminalLog {
    let path: String
    let limit: Int
    private var fd: Int32 = -1
    private var size = 0

    init(path: String, limit: Int) {
        self.path = path
        self.limit = limit
        reopen()
    }

    deinit { if fd >= 0 { close(fd) } }

    private func reopen() {
        if fd >= 0 { close(fd) }
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        var info = stat()
        size = fd >= 0 && fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    }

    func append(_ bytes: ArraySlice<UInt8>) {
        guard fd >= 0, !bytes.isEmpty else { return }
        if size + bytes.count > limit && size > 0 {
            rename(path, path + ".1")
            reopen()
        }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        size += bytes.count
    }

    func append(_ text: String) { append(ArraySlice(Array(text.utf8))) }
}
