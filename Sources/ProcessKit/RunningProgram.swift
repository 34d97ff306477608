#if canImport(Glibc)
import Glibc
#endif

/// The running executable's own file. The companions (`git-orch-run`, ...), the shipped catalog
/// and the hooks are found next to it, where install.sh puts them, wherever the user installed.
public enum RunningProgram {
    /// The executable's real path (`/proc/self/exe`, symlinks resolved), or `argv[0]` where /proc
    /// is not mounted (a bare chroot).
    public static var path: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return CommandLine.arguments.first ?? "" }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The folder the executable is in ("." for a bare `argv[0]`).
    public static var directory: String {
        let path = path
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The path of `name` beside the running executable (which may not exist).
    public static func sibling(_ name: String) -> String {
        let folder = directory
        return folder == "/" ? "/" + name : folder + "/" + name
    }

    /// `sibling(name)` when it is an executable file there, else nil.
    public static func executableSibling(_ name: String) -> String? {
        let candidate = sibling(name)
        return access(candidate, X_OK) == 0 ? candidate : nil
    }
}
