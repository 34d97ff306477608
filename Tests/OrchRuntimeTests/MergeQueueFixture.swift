import Foundation
import GitKit
import OrchModel
import OrchRuntime
import OrchStore
import OrchTestSupport

/// A real repository whose main holds `test.sh`: it fails when any `.txt` file says BROKEN, and
/// sleeps a second when `slow.txt` exists. Branches are made with the git CLI.
struct MergeQueueFixture {
    let repo: TemporaryRepository
    let scratch = TemporaryDirectory("git-orch-queue-scratch")

    static let testScript = """
        #!/bin/sh
        if grep -l BROKEN *.txt 2>/dev/null; then echo "BROKEN found"; exit 1; fi
        if [ -f slow.txt ]; then sleep 1; fi
        echo "all tests passed"

        """

    init() throws {
        repo = try TemporaryRepository()
        try Self.testScript.write(toFile: repo.directory.file("test.sh"), atomically: true, encoding: .utf8)
        try repo.git("add", "test.sh")
        try repo.git("commit", "-q", "-m", "add tests")
        try repo.git("config", "orch.testCommand", "sh test.sh")
    }

    /// A branch off `base` (default main) adding or changing `files`; returns its tip.
    @discardableResult
    func branch(_ name: String, from base: String = "main", files: [String: String]) throws -> String {
        try repo.git("checkout", "-q", "-b", name, base)
        for (path, content) in files {
            try content.write(toFile: repo.directory.file(path), atomically: true, encoding: .utf8)
            try repo.git("add", path)
        }
        try repo.git("commit", "-q", "-m", "work on \(name)")
        try repo.git("checkout", "-q", "main")
        return try repo.git("rev-parse", name)
    }

    func queue(batchSize: Int = 4, retries: Int = 0, testCommand: String? = nil, parallelism: Int = 1) throws -> MergeQueue {
        let git = try repo.open()
        var configuration = MergeQueueConfiguration.load(from: git)
        configuration.batchSize = batchSize
        configuration.retries = retries
        configuration.parallelism = parallelism
        if let testCommand { configuration.testCommand = testCommand }
        return MergeQueue(repository: git, configuration: configuration)
    }

    /// The commits main pointed to since `since`, following first parents.
    func mainHistory(since: String) throws -> [String] {
        try repo.git("rev-list", "--first-parent", "\(since)..main").split(separator: "\n").map(String.init)
    }

    func files(at revision: String = "main") throws -> [String] {
        try repo.git("ls-tree", "--name-only", revision).split(separator: "\n").map(String.init)
    }

    func note(_ commit: String) throws -> QueueTestRecord? {
        try QueueStore(repository: try repo.open()).testRecord(on: OID(hex: commit)!)
    }
}
