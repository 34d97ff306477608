import Foundation
public import OrchModel

/// What a repository's `.orch/` folder may hold. Anything else is reported rather than ignored:
/// `.orch/Skills` (wrong case) would otherwise be skipped without a word on a case-sensitive disk.
public enum OrchFolderEntries {
    /// Folder or file name to what it is for.
    public static let known: [String: String] = [
        "roles": "roles", "missions": "missions", "skills": "skills", "agents.json": "agent presets", "README.md": "notes",
    ]

    /// One issue per unknown entry of `overrideRoot`, naming the expected name when only the case
    /// differs. An issue about a misspelt catalog folder carries that kind's folder in its path
    /// (`.orch/Skills/`), so the matching `list` and `validate` commands report it.
    public static func unknown(in overrideRoot: String) -> [CatalogIssue] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: overrideRoot) else { return [] }
        return names.sorted().filter { !$0.hasPrefix(".") && known[$0] == nil }.map { name in
            let path = overrideRoot + "/" + name
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            if let expected = known.keys.first(where: { $0.lowercased() == name.lowercased() }) {
                return CatalogIssue(file: path + (isDirectory.boolValue ? "/" : ""), field: nil,
                                    message: "not read: git-orch reads \(overrideRoot)/\(expected) (names are case-sensitive); rename it")
            }
            let expected = known.keys.sorted().joined(separator: ", ")
            return CatalogIssue(file: path, field: nil, message: "not read: \(overrideRoot) holds only \(expected)")
        }
    }
}
