import CLibgit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open git repository. One instance per thread or actor: libgit2 objects are not thread-safe.
public final class Repository {
    let handle: OpaquePointer
    /// The repository's own git directory (for a linked worktree, `.git/worktrees/<name>`).
    public let gitDirectory: String
    /// The directory shared by all worktrees, where refs and objects live.
    public let commonDirectory: String
    /// The working tree, nil for a bare repository.
    public let workingDirectory: String?
    private var cachedSignature: Signature?
    private var looseWriter: LooseObjectWriter?

    private init(handle: OpaquePointer) {
        self.handle = handle
        gitDirectory = Repository.trimmedPath(git_repository_path(handle))
        commonDirectory = Repository.trimmedPath(git_repository_commondir(handle))
        workingDirectory = git_repository_workdir(handle).map { Repository.trimmedPath($0) }
    }

    deinit { git_repository_free(handle) }

    /// Opens the repository containing `path`, searching parent directories as git does
    /// (works from a linked worktree too).
    public static func discover(from path: String) throws(GitError) -> Repository {
        _ = libgit2Initialized
        var handle: OpaquePointer?
        try check(git_repository_open_ext(&handle, path, 0, nil), "git_repository_open_ext")
        return Repository(handle: handle!)
    }

    /// Opens the repository the way the git command line does from the working directory:
    /// `GIT_DIR` (as set by `git --git-dir`), `GIT_WORK_TREE`, `GIT_CEILING_DIRECTORIES`,
    /// `GIT_OBJECT_DIRECTORY` are honoured, otherwise parents of the working directory are searched.
    public static func discoverFromEnvironment() throws(GitError) -> Repository {
        _ = libgit2Initialized
        var handle: OpaquePointer?
        try check(git_repository_open_ext(&handle, nil, GIT_REPOSITORY_OPEN_FROM_ENV.rawValue, nil), "git_repository_open_ext")
        return Repository(handle: handle!)
    }

    /// Opens the repository at exactly `path` (a work tree or a git directory).
    public static func open(at path: String) throws(GitError) -> Repository {
        _ = libgit2Initialized
        var handle: OpaquePointer?
        try check(
            git_repository_open_ext(&handle, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil),
            "git_repository_open_ext")
        return Repository(handle: handle!)
    }

    /// Creates a new repository (used by tests and benchmarks).
    @discardableResult
    public static func create(at path: String, bare: Bool = false) throws(GitError) -> Repository {
        _ = libgit2Initialized
        var handle: OpaquePointer?
        try check(git_repository_init(&handle, path, bare ? 1 : 0), "git_repository_init")
        return Repository(handle: handle!)
    }

    private static func trimmedPath(_ cString: UnsafePointer<CChar>) -> String {
        var path = String(cString: cString)
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// The writer for new objects, made on first use.
    func objectWriter() throws(GitError) -> LooseObjectWriter {
        if let looseWriter { return looseWriter }
        let objects = ProcessEnvironment.value("GIT_OBJECT_DIRECTORY") ?? commonDirectory + "/objects"
        let writer = try LooseObjectWriter(objectsDirectory: objects)
        looseWriter = writer
        return writer
    }

    /// The name and email state commits are written with (see `signature()`).
    public func commitIdentity() throws(GitError) -> (name: String, email: String) {
        let signature = try signature()
        return (signature.name, signature.email)
    }

    /// The signature for commits: `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL`, then `user.name`/`user.email`,
    /// then a fixed fallback so that a machine without a configured identity can still record state.
    func signature() throws(GitError) -> Signature {
        if let cachedSignature { return cachedSignature }
        let environment = ProcessEnvironment.self
        let configured = try? configString("user.name")
        let configuredEmail = try? configString("user.email")
        let name = environment.value("GIT_AUTHOR_NAME") ?? configured ?? "git-orch"
        let email = environment.value("GIT_AUTHOR_EMAIL") ?? configuredEmail ?? "git-orch@localhost"
        let signature = Signature(name: name, email: email)
        cachedSignature = signature
        return signature
    }
}

/// A commit author or committer.
public struct Signature: Sendable, Equatable {
    public var name: String
    public var email: String
    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    /// Makes a libgit2 signature stamped now; the caller frees it.
    func makeRaw() throws(GitError) -> UnsafeMutablePointer<git_signature> {
        var raw: UnsafeMutablePointer<git_signature>?
        try check(git_signature_now(&raw, name, email), "git_signature_now")
        return raw!
    }
}

enum ProcessEnvironment {
    static func value(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        let value = String(cString: raw)
        return value.isEmpty ? nil : value
    }
}
