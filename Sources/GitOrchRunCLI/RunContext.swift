#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GitKit
import GitOrchCLI
import OrchCatalog
import OrchRuntime
import OrchStore
import ProcessKit

/// What the run commands start from: the repository around the working directory, its runtime
/// paths and settings.
struct RunContext {
    let repository: Repository
    let paths: RuntimePaths
    let console: Console

    static func open() throws(CLIError) -> RunContext {
        do {
            let repository = try Repository.discoverFromEnvironment()
            return RunContext(repository: repository, paths: RuntimePaths(repository: repository), console: Console.current)
        } catch {
            if error.isNotFound { throw .notARepository(FileManager.default.currentDirectoryPath) }
            throw .store(.git(error))
        }
    }

    var root: String { repository.workingDirectory ?? repository.commonDirectory }

    func settings() throws(CLIError) -> RuntimeSettings {
        do { return try RuntimeSettings(RuntimeConfig.read(in: root)) } catch { throw .input(error.description) }
    }

    func catalog() -> Catalog {
        CatalogLoader(shippedRoot: CatalogLoader.defaultShippedRoot(executable: RunningProgram.path), overrideRoot: repository.workingDirectory.map { $0 + "/.orch" }).load()
    }

    /// Sends a request to the running supervisor.
    func send(_ request: ControlRequest) throws(CLIError) -> ControlResponse {
        let response: ControlResponse
        do { response = try ControlSocket.send(request, to: paths) } catch { throw .input(error.description) }
        if !response.ok { throw .input(response.error ?? "the supervisor refused") }
        return response
    }
}

extension CLIError {
    init(_ error: RuntimeError) { self = .input(error.description) }
}

func runtime<T>(_ body: () throws(RuntimeError) -> T) throws(CLIError) -> T {
    do { return try body() } catch { throw CLIError(error) }
}
