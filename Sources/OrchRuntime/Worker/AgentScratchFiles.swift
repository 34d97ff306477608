import Foundation

/// Files agents keep in the repository for themselves (aider's chat history and tags cache), which
/// must never be committed: two workers committing their own `.aider.chat.history.md` conflict in
/// the merge queue. They go to the repository's `info/exclude` (shared by every worktree), so
/// the project's `.gitignore` is left alone.
enum AgentScratchFiles {
    static let patterns = [".aider*"]

    /// Adds the patterns missing from `info/exclude` of the repository at `repositoryRoot`.
    static func exclude(in repositoryRoot: String) throws(RuntimeError) {
        let common = try GitCLI(directory: repositoryRoot).output(["rev-parse", "--path-format=absolute", "--git-common-dir"])
        let path = common + "/info/exclude"
        // Absent is normal (a fresh repository); one that exists but cannot be read must not be
        // overwritten with only our patterns.
        var existing = ""
        if FileManager.default.fileExists(atPath: path) {
            do { existing = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw .invalidInput("cannot read \(path): \(error.localizedDescription)")
            }
        }
        let lines = Set(existing.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        let missing = patterns.filter { !lines.contains($0) }
        guard !missing.isEmpty else { return }
        let text = (existing.isEmpty || existing.hasSuffix("\n") ? existing : existing + "\n")
            + "# agents' own files, never committed (git-orch)\n" + missing.joined(separator: "\n") + "\n"
        do {
            try FileManager.default.createDirectory(atPath: common + "/info", withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw .invalidInput("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
