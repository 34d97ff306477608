import Foundation
public import OrchModel
import Yams

/// Everything the catalog holds, and what could not be loaded. A bad file is reported by file
/// and field and left out; the rest load.
public struct Catalog: Sendable {
    public internal(set) var roles: [String: Role] = [:]
    public internal(set) var missions: [String: Mission] = [:]
    public internal(set) var skills: [String: Skill] = [:]
    /// Agent profile (`code-writer`, `reviewer`, ...) to its core skills.
    public internal(set) var profiles: [String: [String]] = [:]
    public internal(set) var issues: [CatalogIssue] = []
    /// The skill schema, when it could be read.
    public internal(set) var schema: JSONValue?

    public init() {}

    /// A role by id or alias.
    public func role(_ id: String) -> Role? {
        roles[id] ?? roles.values.first { $0.aliases.contains(id) }
    }
}

/// Reads `Roles/`, `Missions/` and `Skills/` from the shipped folder and then from a repository's
/// `.orch/` (`roles/`, `missions/`, `skills/`), whose entries add to or replace shipped ones.
public struct CatalogLoader {
    /// Folders holding `Roles`, `Missions`, `Skills` (shipped), in order; later ones override.
    public var shippedRoot: String?
    /// A repository's `.orch` folder.
    public var overrideRoot: String?

    public init(shippedRoot: String?, overrideRoot: String?) {
        self.shippedRoot = shippedRoot
        self.overrideRoot = overrideRoot
    }

    /// Where the shipped catalog is: `$GIT_ORCH_SHARE`, `<prefix>/share/git-orch` next to the
    /// installed binary, or the source checkout the binary was built in.
    public static func defaultShippedRoot(executable: String) -> String? {
        let manager = FileManager.default
        if let explicit = ProcessInfo.processInfo.environment["GIT_ORCH_SHARE"], !explicit.isEmpty { return explicit }
        var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        let installed = folder.deletingLastPathComponent().appendingPathComponent("share/git-orch").path
        if manager.fileExists(atPath: installed + "/Roles") { return installed }
        for _ in 0..<5 {
            folder = folder.deletingLastPathComponent()
            if manager.fileExists(atPath: folder.path + "/Package.swift"), manager.fileExists(atPath: folder.path + "/Roles") {
                return folder.path
            }
        }
        return nil
    }

    public func load() -> Catalog {
        var catalog = Catalog()
        var schema: JSONValue?
        if let shippedRoot {
            loadRoles(in: shippedRoot + "/Roles", into: &catalog)
            schema = loadSchema(shippedRoot + "/Skills/schema/skill.schema.json", into: &catalog)
            catalog.schema = schema
            loadSkills(in: shippedRoot + "/Skills", schema: schema, into: &catalog)
            loadProfiles(shippedRoot + "/Skills/profiles.json", into: &catalog)
            loadMissionFiles(in: shippedRoot + "/Missions", into: &catalog)
        } else {
            catalog.issues.append(CatalogIssue(file: "git-orch", field: nil, message: "no shipped catalog found (set GIT_ORCH_SHARE to the folder holding Roles, Missions and Skills)"))
        }
        if let overrideRoot, FileManager.default.fileExists(atPath: overrideRoot) {
            loadRoles(in: overrideRoot + "/roles", into: &catalog)
            loadSkills(in: overrideRoot + "/skills", schema: schema, into: &catalog)
            loadMissionFiles(in: overrideRoot + "/missions", into: &catalog)
            catalog.issues += OrchFolderEntries.unknown(in: overrideRoot)
        }
        catalog.issues += CatalogRules.checkRelations(catalog.skills)
        for (name, ids) in catalog.profiles.sorted(by: { $0.key < $1.key }) {
            for id in ids where catalog.skills[id] == nil {
                catalog.issues.append(CatalogIssue(file: "Skills/profiles.json", field: name, message: "unknown skill '\(id)'"))
            }
        }
        for role in catalog.roles.values.sorted(by: { $0.id < $1.id }) where catalog.profiles[role.skillsProfile] == nil && !catalog.profiles.isEmpty {
            catalog.issues.append(CatalogIssue(file: role.source, field: "skills_profile", message: "unknown profile '\(role.skillsProfile)'"))
        }
        for mission in catalog.missions.values.sorted(by: { $0.id < $1.id }) {
            let problems = CatalogRules.check(mission, roles: catalog.roles)
            if !problems.isEmpty {
                catalog.issues += problems
                catalog.missions[mission.id] = nil
            }
        }
        return catalog
    }

    // MARK: Roles and missions

    private func loadRoles(in folder: String, into catalog: inout Catalog) {
        let paths = files(in: folder, suffix: ".md").filter { !$0.hasSuffix("/README.md") }
        for role in loadEach(paths, into: &catalog, { path in try RoleFile.parse(try String(contentsOfFile: path, encoding: .utf8), source: path) }) {
            catalog.roles[role.id] = role
        }
    }

    private func loadMissionFiles(in folder: String, into catalog: inout Catalog) {
        for mission in loadEach(files(in: folder, suffix: ".json"), into: &catalog, { path in
            try MissionFile.parse(try Data(contentsOf: URL(fileURLWithPath: path)), source: path)
        }) {
            catalog.missions[mission.id] = mission
        }
    }

    /// Parses each file on its own: a failure becomes an issue naming the file, the rest go on.
    private func loadEach<Entry>(_ paths: [String], into catalog: inout Catalog, _ parse: (String) throws -> Entry) -> [Entry] {
        var entries: [Entry] = []
        for path in paths {
            do {
                entries.append(try parse(path))
            } catch let issue as CatalogIssue {
                catalog.issues.append(issue)
            } catch {
                catalog.issues.append(CatalogIssue(file: path, field: nil, message: "cannot be read: \(error.localizedDescription)"))
            }
        }
        return entries
    }

    // MARK: Skills

    private func loadSchema(_ path: String, into catalog: inout Catalog) -> JSONValue? {
        do {
            return try JSONValue.parse(Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            catalog.issues.append(CatalogIssue(file: path, field: nil, message: "the skill schema cannot be read; skills are not loaded"))
            return nil
        }
    }

    private func loadSkills(in folder: String, schema: JSONValue?, into catalog: inout Catalog) {
        guard let schema else { return }
        let validator = SchemaValidator(schema: schema)
        for skill in loadEach(files(in: folder, suffix: ".skill.json", recursive: true), into: &catalog, { path in
            try SkillFile.parse(try Data(contentsOf: URL(fileURLWithPath: path)), source: path, validator: validator)
        }) {
            catalog.skills[skill.id] = skill
        }
    }

    private func loadProfiles(_ path: String, into catalog: inout Catalog) {
        guard FileManager.default.fileExists(atPath: path) else { return }
        do {
            catalog.profiles = try JSONDecoder().decode([String: [String]].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            catalog.issues.append(CatalogIssue(file: path, field: nil, message: "must map profile names to lists of skill ids"))
        }
    }

    /// Files under `folder` ending in `suffix`, sorted so that loading is deterministic.
    private func files(in folder: String, suffix: String, recursive: Bool = false) -> [String] {
        let manager = FileManager.default
        let names = (recursive ? manager.subpaths(atPath: folder) : try? manager.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(suffix) && !$0.hasPrefix("schema/") }.sorted().map { folder + "/" + $0 }
    }
}

extension CatalogIssue: Error {}
