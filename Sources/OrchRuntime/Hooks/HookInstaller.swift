import Foundation
public import GitKit
import OrchCatalog

/// Installs the hooks shipped in `Hooks/` into the repository's hooks folder (`core.hooksPath`
/// when set, else `.git/hooks`), chaining a hook already there rather than overwriting it: the
/// old hook is renamed `<name>.orch-chained` and our hook runs it first. Uninstalling removes
/// our hook and renames the old one back, so it is restored byte for byte (a rename keeps the
/// content and the mode).
public struct HookInstaller {
    public let repository: Repository
    /// The folder holding the shipped hook scripts.
    public let shippedHooks: String

    public static let names = ["pre-push", "reference-transaction"]
    /// A line every shipped hook has: tells our hook from the user's.
    static let marker = "git-orch hook:"
    static let chainedSuffix = ".orch-chained"

    public init(repository: Repository, shippedHooks: String) {
        self.repository = repository
        self.shippedHooks = shippedHooks
    }

    /// `Hooks/` next to the other shipped folders: `$GIT_ORCH_SHARE`, `<prefix>/share/git-orch`
    /// or the source checkout the executable was built in.
    public static func shippedHooksDirectory(executable: String) -> String? {
        guard let root = CatalogLoader.defaultShippedRoot(executable: executable) else { return nil }
        let hooks = root + "/Hooks"
        return FileManager.default.fileExists(atPath: hooks + "/pre-push") ? hooks : nil
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case missingShippedHook(String)
        case bothExist(String, String)
        case io(String)
        public var description: String {
            switch self {
            case .missingShippedHook(let path): "\(path) is missing; reinstall git-orch (./install.sh) or set GIT_ORCH_SHARE"
            case .bothExist(let hook, let chained):
                "\(hook) is not git-orch's and \(chained) exists too; move one of them away and install again"
            case .io(let message): message
            }
        }
    }

    /// The hooks folder git uses: `core.hooksPath` (relative to the work tree root, `~/` expanded)
    /// or `<common dir>/hooks`. A config that cannot be read is an error: guessing `.git/hooks`
    /// would install (or look for) the hooks where git does not run them.
    public func hooksDirectory() throws(Failure) -> String {
        let configured: String?
        do { configured = try repository.configString("core.hooksPath") } catch {
            throw .io("cannot read core.hooksPath: \(error.description)")
        }
        guard let configured, !configured.isEmpty else { return repository.commonDirectory + "/hooks" }
        if configured.hasPrefix("/") { return configured }
        if configured.hasPrefix("~/") { return NSHomeDirectory() + configured.dropFirst(1) }
        return (repository.workingDirectory ?? repository.commonDirectory) + "/" + configured
    }

    /// Installs (or updates) every shipped hook. Returns one line per hook saying what was done.
    @discardableResult
    public func install() throws(Failure) -> [String] {
        let manager = FileManager.default
        let folder = try hooksDirectory()
        do { try manager.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw .io("cannot create \(folder): \(error.localizedDescription)")
        }
        var done: [String] = []
        for name in Self.names {
            let source = shippedHooks + "/" + name
            guard let script = manager.contents(atPath: source) else { throw .missingShippedHook(source) }
            let target = folder + "/" + name
            let chained = target + Self.chainedSuffix
            var note = "installed \(target)"
            if manager.fileExists(atPath: target) || isSymbolicLink(target) {
                if isOurs(target) {
                    note = "updated \(target)"
                } else {
                    guard !manager.fileExists(atPath: chained) else { throw .bothExist(target, chained) }
                    guard rename(target, chained) == 0 else { throw .io("cannot rename \(target): \(String(cString: strerror(errno)))") }
                    note = "installed \(target) (the hook that was there runs first, as \(name)\(Self.chainedSuffix))"
                }
            }
            // Written beside and renamed over, so a hook is never seen half-written.
            let temporary = target + ".orch-new"
            guard manager.createFile(atPath: temporary, contents: script, attributes: [.posixPermissions: 0o755]),
                  rename(temporary, target) == 0
            else { throw .io("cannot write \(target)") }
            done.append(note)
        }
        // Pin the protected branch, so the hooks keep guarding the same branch whatever the
        // defaults would later say (a new remote HEAD, a renamed branch).
        let pinned: String?
        do { pinned = try repository.configString("orch.mainBranch") } catch { throw .io("cannot read orch.mainBranch: \(error.description)") }
        if pinned == nil {
            let main = MergeQueueConfiguration.load(from: repository).mainBranch
            do { try repository.setConfigString("orch.mainBranch", main) } catch {
                throw .io("cannot set orch.mainBranch: \(error)")
            }
            done.append("protecting \(main) (git config orch.mainBranch)")
        }
        return done
    }

    /// Removes our hooks and puts back the ones they chained. Returns one line per hook.
    @discardableResult
    public func uninstall() throws(Failure) -> [String] {
        let folder = try hooksDirectory()
        var done: [String] = []
        for name in Self.names {
            let target = folder + "/" + name
            let chained = target + Self.chainedSuffix
            guard isOurs(target) else {
                done.append("\(target) is not git-orch's; left as it is")
                continue
            }
            guard unlink(target) == 0 else { throw .io("cannot remove \(target): \(String(cString: strerror(errno)))") }
            if FileManager.default.fileExists(atPath: chained) || isSymbolicLink(chained) {
                guard rename(chained, target) == 0 else { throw .io("cannot restore \(chained): \(String(cString: strerror(errno)))") }
                done.append("restored \(target)")
            } else {
                done.append("removed \(target)")
            }
        }
        return done
    }

    /// Hook name → whether git-orch's hook is installed there.
    public func installed() throws(Failure) -> [String: Bool] {
        let folder = try hooksDirectory()
        return Dictionary(uniqueKeysWithValues: Self.names.map { ($0, isOurs(folder + "/" + $0)) })
    }

    private func isOurs(_ path: String) -> Bool {
        guard !isSymbolicLink(path), let data = FileManager.default.contents(atPath: path) else { return false }
        return String(decoding: data.prefix(400), as: UTF8.self).contains(Self.marker)
    }

    /// A probe: any failure (no such file, not a link) means "not a symbolic link".
    private func isSymbolicLink(_ path: String) -> Bool {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil
    }
}
