import Foundation
import OrchTestSupport
import Testing

/// `git-orch` (the task graph's commands, run by scripts and hooks many times a second) links
/// FoundationEssentials only: full Foundation and ICU cost it 10 ms of start-up. One
/// `import Foundation` in a module it links undoes that, so this is checked on every build. The
/// Swift runtime and FoundationEssentials are linked in statically (`-static-stdlib`): loading
/// them as shared libraries cost another 3 ms of every start (docs/benchmarks.md, Start-up).
@Suite struct LeanBinaryTests {
    @Test(.enabled(if: TestDependency.runnable([.program("ldd"), .program("nm")]), "needs ldd and nm"))
    func gitOrchDoesNotLinkFullFoundation() throws {
        try TestDependency.require([.program("ldd"), .program("nm")])
        let result = try Run.process("/usr/bin/env", ["ldd", OrchBinary.path], in: "/")
        #expect(result.status == 0, "\(result.stderr)")
        let swiftLibraries = result.stdout.split(separator: "\n").filter { $0.contains("libswift") || $0.contains("Foundation") }
        #expect(swiftLibraries.isEmpty, "git-orch loads \(swiftLibraries.joined(separator: ", ")) at start-up: the Swift runtime is to be linked in (-static-stdlib)")
        let symbols = try Run.process("/usr/bin/env", ["nm", "--defined-only", OrchBinary.path], in: "/")
        #expect(symbols.status == 0, "\(symbols.stderr)")
        #expect(symbols.stdout.contains("$s20FoundationEssentials"), "FoundationEssentials is linked in")
        // Full Foundation's Swift symbols start $s10Foundation; with it comes ICU's data.
        #expect(!symbols.stdout.contains("$s10Foundation"), "git-orch links full Foundation: a module it imports uses `import Foundation`")
    }

    /// The MCP server is the toolbox over the store and the catalog: neither the runtime (the
    /// supervisor, workers, sandbox) nor a command-line library is linked into it, and the
    /// catalog's commands do without the runtime too. Checked by the modules' symbols.
    @Test(.enabled(if: TestDependency.runnable([.program("nm")]), "needs nm (binutils)"))
    func theCompanionsLinkOnlyTheModulesTheyNeed() throws {
        try TestDependency.require([.program("nm")])
        let directory = URL(fileURLWithPath: OrchBinary.path).deletingLastPathComponent().path
        func modules(_ binary: String) throws -> Set<String> {
            let result = try Run.process("/usr/bin/env", ["nm", "--defined-only", directory + "/" + binary], in: "/")
            #expect(result.status == 0, "\(result.stderr)")
            // Swift symbols name their module first: $s<length><name>...
            let names = ["OrchRuntime", "GitOrchCLI", "GitOrchRunCLI", "GitOrchCatalogCLI", "OrchTools", "OrchStore"]
            return Set(names.filter { name in result.stdout.contains("$s\(name.count)\(name)") })
        }
        let mcp = try modules("git-orch-mcp")
        #expect(mcp.contains("OrchTools") && mcp.contains("OrchStore"), "\(mcp)")
        #expect(mcp.isDisjoint(with: ["OrchRuntime", "GitOrchCLI", "GitOrchRunCLI", "GitOrchCatalogCLI"]), "git-orch-mcp links \(mcp)")
        let catalog = try modules("git-orch-catalog")
        #expect(catalog.contains("GitOrchCatalogCLI") && !catalog.contains("OrchRuntime"), "git-orch-catalog links \(catalog)")
    }
}
