import Foundation
import OrchTestSupport
import Testing

@Suite struct CatalogCommandTests {
    @Test func listShowValidateAndSelectThroughTheBinary() throws {
        let repo = try TemporaryRepository()
        let roles = try repo.orch("roles", "list", "--json")
        #expect(roles.status == 0, "\(roles.stderr)")
        #expect(try JSONSerialization.jsonObject(with: Data(roles.stdout.utf8)) is [Any])
        #expect(try repo.orch("roles", "show", "engine-dev").stdout.contains("(library-dev, also engine-dev)"))
        let validate = try repo.orch("missions", "validate")
        #expect(validate.status == 0, "\(validate.stderr)")
        #expect(validate.stdout.hasPrefix("6 missions and "))
        #expect(try repo.orch("skills", "validate").status == 0)
        let picked = try repo.orch("skills", "select", "Rename UserService to AccountService everywhere", "--json")
        let ids = (try JSONSerialization.jsonObject(with: Data(picked.stdout.utf8)) as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
        #expect(ids.contains("code-refactor-rename"))
        #expect(try repo.orch("missions", "show", "web-app").stdout.contains("starting tasks:"))
        let unknown = try repo.orch("roles", "show", "wizard")
        #expect(unknown.status == 128)
        #expect(unknown.stderr == "git-orch: error: no role 'wizard' (see 'git orch roles list')\n")
    }

    @Test func aRepositoryOverrideIsUsedAndABrokenOneIsReported() throws {
        let repo = try TemporaryRepository()
        try FileManager.default.createDirectory(atPath: repo.directory.file(".orch/missions"), withIntermediateDirectories: true)
        try "{\"id\": \"mine\", \"title\": 3}".write(toFile: repo.directory.file(".orch/missions/mine.json"), atomically: true, encoding: .utf8)
        let validate = try repo.orch("missions", "validate")
        #expect(validate.status == 128)
        #expect(validate.stderr.contains(".orch/missions/mine.json: title: must be text"))
        let list = try repo.orch("missions", "list")
        #expect(list.status == 2)
        #expect(list.stdout.contains("web-app"))
    }

    @Test func skillMarkdownFoldersImportIntoTheRepositoryAllOrNothing() throws {
        let repo = try TemporaryRepository()
        let source = TemporaryDirectory("git-orch-skills")
        try FileManager.default.createDirectory(atPath: source.file("notes"), withIntermediateDirectories: true)
        try """
            ---
            name: Release notes writer
            description: Write release notes and changelog entries from the commits since the last tag.
            ---
            ## Group changes by type
            Read git log since the last tag.
            """.write(toFile: source.file("notes/SKILL.md"), atomically: true, encoding: .utf8)
        let imported = try Run.orch(["skills", "import", source.path, "--category", "docs"], in: repo.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(FileManager.default.fileExists(atPath: repo.directory.file(".orch/skills/docs/release-notes-writer.skill.json")))
        #expect(try repo.orch("skills", "validate").status == 0)
        #expect(try repo.orch("skills", "show", "release-notes-writer").stdout.contains("instructions: ## Group changes by type"))

        // A second folder with one broken SKILL.md writes nothing at all.
        try FileManager.default.createDirectory(atPath: source.file("broken"), withIntermediateDirectories: true)
        try "---\ndescription: no name here at all\n---\nbody\n".write(toFile: source.file("broken/SKILL.md"), atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: repo.directory.file(".orch"))
        let refused = try Run.orch(["skills", "import", source.path, "--category", "docs"], in: repo.path)
        #expect(refused.status == 128)
        #expect(refused.stderr.contains("broken/SKILL.md: name: is required"))
        #expect(FileManager.default.fileExists(atPath: repo.directory.file(".orch")) == false)
    }

    @Test func aConfiguredRankerGetsTheTaskOnStandardInput() throws {
        let repo = try TemporaryRepository()
        let ranker = repo.directory.file("ranker.sh")
        try "#!/bin/sh\ncat > \"$(dirname \"$0\")/prompt.txt\"\necho '1. deploy-staging'\necho 'made-up-skill'\n".write(toFile: ranker, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: ranker)
        try repo.git("config", "orch.skillRanker", ranker)
        // A task touching many areas leaves more than 10 candidates, so stage 2 runs.
        let task = "run tests build deploy staging production database migration docs changelog security scan browser screenshot git branch"
        let picked = try repo.orch("skills", "select", task, "--json")
        #expect(picked.status == 0, "\(picked.stderr)")
        let prompt = try String(contentsOfFile: repo.directory.file("prompt.txt"), encoding: .utf8)
        #expect(prompt.contains("Task: \(task)"))
        #expect(prompt.contains("- deploy-staging: "))
        #expect(picked.stdout.contains("\"reason\" : \"ranked by model\""))
    }
}
