import Foundation
import OrchTestSupport
import Testing

/// `git-orch` (the task graph's commands, run by scripts and hooks many times a second) links
/// FoundationEssentials only: full Foundation and ICU cost it 10 ms of start-up. One
/// `import Foundation` in a module it links undoes that, so this is checked on every build.
@Suite struct LeanBinaryTests {
    @Test(.enabled(if: TestDependency.runnable([.program("ldd")]), "needs ldd"))
    func gitOrchDoesNotLinkFullFoundation() throws {
        try TestDependency.require([.program("ldd")])
        let result = try Run.process("/usr/bin/env", ["ldd", OrchBinary.path], in: "/")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("libFoundationEssentials"), "ldd output: \(result.stdout)")
        let heavy = result.stdout.split(separator: "\n").filter { $0.contains("libFoundation.so") || $0.contains("FoundationICU") }
        #expect(heavy.isEmpty, "git-orch links \(heavy.joined(separator: ", ")): a module it imports uses `import Foundation`")
    }
}
