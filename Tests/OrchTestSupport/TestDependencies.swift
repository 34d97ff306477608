import Foundation

/// What a test needs from outside the package (a program, a Python module), found or not.
/// `./install.sh --test-deps` installs all of it (Tests/Dependencies). A test that needs one
/// uses `.enabled(if: TestDependency.runnable(needs), TestDependency.reason(needs))` and then
/// `try TestDependency.require(needs)`: on a developer's machine without it the test is reported
/// skipped by the runner (never passed); under CI=true it runs and fails, naming what is missing.
public struct TestDependency: Sendable, CustomStringConvertible {
    public let description: String
    public let isPresent: Bool

    /// A program on PATH (or in /usr/bin, /usr/sbin).
    public static func program(_ name: String) -> TestDependency {
        TestDependency(description: name, isPresent: executablePath(name) != nil)
    }

    /// A module importable by `python3`.
    public static func pythonModule(_ name: String) -> TestDependency {
        let present = (try? Run.process("/usr/bin/env", ["python3", "-c", "import \(name)"], in: "/"))?.status == 0
        return TestDependency(description: "python3 module \(name)", isPresent: present)
    }

    /// A file another package installs (e.g. Debian's node-xterm), described by what provides it.
    public static func file(_ path: String, providedBy package: String) -> TestDependency {
        TestDependency(description: "\(package) (\(path))", isPresent: FileManager.default.fileExists(atPath: path))
    }

    public init(description: String, isPresent: Bool) {
        self.description = description
        self.isPresent = isPresent
    }

    public static var requiredEverywhere: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Whether the test should run: everything is there, or CI requires it (and it will fail).
    public static func runnable(_ needs: [TestDependency]) -> Bool {
        requiredEverywhere || needs.allSatisfy(\.isPresent)
    }

    /// The skip reason the runner prints.
    public static func reason(_ needs: [TestDependency]) -> String {
        let missing = needs.filter { !$0.isPresent }.map(\.description)
        return missing.isEmpty ? "" : "needs \(missing.joined(separator: ", ")) (./install.sh --test-deps installs it)"
    }

    /// Throws, naming what is missing, when something is.
    public static func require(_ needs: [TestDependency]) throws {
        let missing = needs.filter { !$0.isPresent }
        if !missing.isEmpty { throw MissingTestDependency(reason: reason(needs)) }
    }

    /// The absolute path of `name` on PATH, or nil.
    public static func executablePath(_ name: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/usr/sbin:/bin"
        for directory in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        return nil
    }
}

public struct MissingTestDependency: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
