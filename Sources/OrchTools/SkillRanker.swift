import Foundation
public import OrchModel
import ProcessKit

/// Stage 2 of skill selection through a configured command (a cheap model's CLI, for example
/// `claude -p --model haiku`). Like git's own configured commands it runs through `sh -c`; the
/// task text goes to its standard input, never into the command line.
public enum SkillRanker {
    public static func prompt(task: String, candidates: [Skill]) -> String {
        var text = "Pick the skills (at most 8) an agent needs for this task. Answer with skill ids only, one per line, best first.\n\nTask: \(task)\n\nCandidates:\n"
        for skill in candidates { text += "- \(skill.id): \(skill.shortDescription)\n" }
        return text
    }

    public static func ask(command: String, task: String, candidates: [Skill]) -> [String]? {
        guard let result = try? Subprocess.run("/bin/sh", ["-c", command], input: Array(prompt(task: task, candidates: candidates).utf8)),
              result.status == 0 else { return nil }
        let ids = result.output.split(whereSeparator: \.isNewline).compactMap { line -> String? in
            let word = line.split(whereSeparator: { $0 == " " || $0 == ":" || $0 == "\t" }).first { $0.contains(where: \.isLetter) }
            return word.map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "-*`.,")) }
        }
        return ids.isEmpty ? nil : ids
    }
}
