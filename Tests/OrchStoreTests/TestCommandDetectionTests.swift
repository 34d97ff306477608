import Foundation
import OrchStore
import OrchTestSupport
import Testing

/// `git orch init` proposes the test command a project declares; one folder per ecosystem.
@Suite struct TestCommandDetectionTests {
    static func project(_ files: [String: String]) throws -> TemporaryDirectory {
        let folder = TemporaryDirectory("git-orch-detect")
        for (name, text) in files { try text.write(toFile: folder.file(name), atomically: true, encoding: .utf8) }
        return folder
    }

    static func detected(_ files: [String: String]) throws -> [String] {
        let folder = try project(files)
        return TestCommandDetection.detect(in: folder.path).map(\.command)
    }

    @Test func nodeUsesScriptsTestAndTheLockFilesPackageManager() throws {
        #expect(try Self.detected(["package.json": #"{"name": "web", "scripts": {"test": "vitest run"}}"#]) == ["npm test"])
        #expect(try Self.detected(["package.json": #"{"scripts": {"test": "jest"}}"#, "yarn.lock": ""]) == ["yarn test"])
        #expect(try Self.detected(["package.json": #"{"scripts": {"test": "jest"}}"#, "pnpm-lock.yaml": ""]) == ["pnpm test"])
        // npm init's placeholder only fails, and a package without scripts.test has no tests to run.
        #expect(try Self.detected(["package.json": #"{"scripts": {"test": "echo \"Error: no test specified\" && exit 1"}}"#]).isEmpty)
        #expect(try Self.detected(["package.json": #"{"scripts": {"build": "tsc"}}"#]).isEmpty)
        #expect(try Self.detected(["package.json": "{ not json"]).isEmpty)
    }

    @Test func rustGoAndSwift() throws {
        #expect(try Self.detected(["Cargo.toml": "[package]\nname = \"x\"\n"]) == ["cargo test"])
        #expect(try Self.detected(["go.mod": "module example.com/x\n"]) == ["go test ./..."])
        #expect(try Self.detected(["Package.swift": "// swift-tools-version:6.0\n"]) == ["swift test"])
    }

    @Test func pythonWhenPytestIsConfiguredOrRequired() throws {
        #expect(try Self.detected(["pytest.ini": "[pytest]\n"]) == ["python -m pytest"])
        #expect(try Self.detected(["pyproject.toml": "[tool.pytest.ini_options]\nminversion = \"7.0\"\n"]) == ["python -m pytest"])
        #expect(try Self.detected(["pyproject.toml": "[project.optional-dependencies]\ntest = [\"pytest>=8\"]\n"]) == ["python -m pytest"])
        #expect(try Self.detected(["setup.cfg": "[metadata]\nname = x\n[tool:pytest]\naddopts = -q\n"]) == ["python -m pytest"])
        // A Python project with no sign of pytest: nothing to propose.
        #expect(try Self.detected(["pyproject.toml": "[project]\nname = \"x\"\n"]).isEmpty)
    }

    @Test func aMakefileTestTargetComesFirst() throws {
        let found = try Self.detected(["Makefile": "CC = cc\nbuild:\n\tcc -o x x.c\ntest: build\n\t./x --selftest\n", "go.mod": "module x\n"])
        #expect(found == ["make test", "go test ./..."])
        // A variable named test, or a target that merely contains the word, is no test target.
        #expect(try Self.detected(["Makefile": "test := yes\ntests:\n\ttrue\nlatest:\n\ttrue\n"]).isEmpty)
        #expect(try Self.detected(["Makefile": ".PHONY: all test\nall test: build\n"]) == ["make test"])
    }

    @Test func anEmptyProjectHasNone() throws {
        #expect(try Self.detected(["README.md": "hello\n"]).isEmpty)
        let folder = try Self.project(["Cargo.toml": ""])
        #expect(TestCommandDetection.detect(in: folder.path).first == DetectedTestCommand(command: "cargo test", source: "Cargo.toml"))
    }
}
