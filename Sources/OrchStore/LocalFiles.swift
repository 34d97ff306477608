#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ProcessKit

/// Plain POSIX file helpers for the few local (non-git) files git-orch touches. Kept off Foundation
/// to keep start-up lean.
public enum LocalFiles {
    /// The whole file, or nil when it cannot be read.
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return readAll(fd: fd) }
        // A regular file is read into one buffer of its size: no regrowing (the cache is ~20 MB
        // at 100k tasks), then whatever a concurrent writer appended.
        let size = Int(info.st_size)
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let count = bytes.withUnsafeMutableBytes { buffer in retryingOnEINTR { Glibc.read(fd, buffer.baseAddress! + done, size - done) } }
            if count < 0 { return nil }
            if count == 0 { bytes.removeLast(size - done); return bytes }
            done += count
        }
        guard let rest = readAll(fd: fd) else { return nil }
        if !rest.isEmpty { bytes.append(contentsOf: rest) }
        return bytes
    }

    /// Everything left on a descriptor (a file or standard input), or nil on a read error.
    public static func readAll(fd: Int32) -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { buffer in retryingOnEINTR { Glibc.read(fd, buffer.baseAddress, buffer.count) } }
            if count < 0 { return nil }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// Removes files in `directory` ending in `suffix` and not modified for `age` seconds:
    /// temporary files left by a process killed mid-write.
    static func removeFiles(in directory: String, withSuffix suffix: String, olderThanSeconds age: Int) {
        guard let handle = opendir(directory) else { return }
        defer { closedir(handle) }
        let now = time(nil)
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard name.hasSuffix(suffix) else { continue }
            let path = directory + "/" + name
            var info = stat()
            if stat(path, &info) == 0 && Int(now - info.st_mtim.tv_sec) > age { unlink(path) }
        }
    }

    /// `mkdir -p`.
    static func makeDirectories(_ path: String) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            mkdir(prefix, 0o755)
        }
    }
}
