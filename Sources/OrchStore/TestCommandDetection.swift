import FoundationEssentials

/// A test command a project declares in its own files, and the file that says so.
public struct DetectedTestCommand: Sendable, Equatable, CustomStringConvertible {
    public var command: String
    /// The file it was found in, relative to the project root.
    public var source: String

    public init(command: String, source: String) {
        self.command = command
        self.source = source
    }

    public var description: String { "'\(command)' (from \(source))" }
}

/// Finds the test command a project declares (what `git orch init` proposes for
/// `orch.testCommand`). Reads files only; runs nothing. A Makefile `test` target comes first: a
/// project that has one wraps its ecosystem's command in it.
public enum TestCommandDetection {
    public static func detect(in root: String) -> [DetectedTestCommand] {
        let read = { (name: String) -> String? in
            guard let data = FileManager.default.contents(atPath: root + "/" + name) else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
        var found: [DetectedTestCommand] = []
        for name in ["GNUmakefile", "makefile", "Makefile"] {
            if let text = read(name), hasMakeTarget("test", in: text) {
                found.append(DetectedTestCommand(command: "make test", source: name))
                break
            }
        }
        if let text = read("package.json"), let command = npmTestCommand(packageJSON: text, root: root) {
            found.append(DetectedTestCommand(command: command, source: "package.json"))
        }
        if read("Cargo.toml") != nil { found.append(DetectedTestCommand(command: "cargo test", source: "Cargo.toml")) }
        if read("go.mod") != nil { found.append(DetectedTestCommand(command: "go test ./...", source: "go.mod")) }
        if let source = pytestSource(read) { found.append(DetectedTestCommand(command: "python -m pytest", source: source)) }
        if read("Package.swift") != nil { found.append(DetectedTestCommand(command: "swift test", source: "Package.swift")) }
        return found
    }

    /// A rule line `test:` (or `test other:`), not a variable assignment `test := ...`.
    static func hasMakeTarget(_ target: String, in makefile: String) -> Bool {
        for line in makefile.split(separator: "\n") where !line.hasPrefix("\t") && !line.hasPrefix("#") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let after = line[line.index(after: colon)...]
            if after.hasPrefix("=") { continue }
            let targets = line[..<colon].split(whereSeparator: { $0 == " " || $0 == "\t" })
            if targets.contains(where: { $0 == target }) { return true }
        }
        return false
    }

    /// `scripts.test` of package.json, unless it is npm's placeholder that only fails. The
    /// package manager follows the lock file present.
    static func npmTestCommand(packageJSON: String, root: String) -> String? {
        // Only the field we need: anything else in package.json may be of any shape.
        struct Package: Decodable { var scripts: [String: String]? }
        guard let package = try? JSONDecoder().decode(Package.self, from: Data(packageJSON.utf8)), let test = package.scripts?["test"],
              test.contains(where: { !$0.isWhitespace }), !test.contains("no test specified") else { return nil }
        if FileManager.default.fileExists(atPath: root + "/pnpm-lock.yaml") { return "pnpm test" }
        if FileManager.default.fileExists(atPath: root + "/yarn.lock") { return "yarn test" }
        return "npm test"
    }

    /// pytest configured or required: pytest.ini, `[tool.pytest...]` or a pytest dependency in
    /// pyproject.toml, `[tool:pytest]` in setup.cfg, `[pytest]` in tox.ini.
    static func pytestSource(_ read: (String) -> String?) -> String? {
        if read("pytest.ini") != nil { return "pytest.ini" }
        if let text = read("pyproject.toml"), text.contains("[tool.pytest") || text.contains(/["'\s]pytest\b/) {
            return "pyproject.toml"
        }
        if let text = read("setup.cfg"), text.contains("[tool:pytest]") || text.contains("pytest") { return "setup.cfg" }
        if let text = read("tox.ini"), text.contains("[pytest]") { return "tox.ini" }
        return nil
    }
}
