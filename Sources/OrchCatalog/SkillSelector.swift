import Foundation
public import OrchModel

/// Picks the few skills a task needs (3 to 8 of the pool).
///
/// Stage 1 ranks every skill with BM25 over its name, id, tags, category, description and trigger
/// examples, optionally narrowed to categories or tags, and keeps the skills scoring at least
/// `relativeCutoff` of the best. Stage 2, only when more than 10 candidates remain, asks the
/// configured ranker (a cheap model) to pick; without one, or when it fails, stage 1's order is
/// the deterministic fallback. Then the resolver adds required skills, drops conflicting ones and
/// fills up with the role's core skills (its agent profile).
public struct SkillSelector: Sendable {
    public struct Match: Sendable, Equatable {
        public var skill: Skill
        public var score: Double
        /// Why it was picked: `matched`, `required by <id>` or `core skill of <profile>`.
        public var reason: String
    }

    public enum SelectionError: Error, Equatable, CustomStringConvertible {
        case conflict(String, String)
        case missingRequirement(String, String)
        public var description: String {
            switch self {
            case .conflict(let a, let b): "skills '\(a)' and '\(b)' conflict and are both required"
            case .missingRequirement(let skill, let missing): "skill '\(skill)' requires '\(missing)', which is not in the pool"
            }
        }
    }

    public var limit = 8
    public var minimum = 3
    public var relativeCutoff = 0.3
    /// Stage 2 runs only when more candidates than this remain.
    public var rerankAbove = 10
    /// Stage 2: given the task and the candidates (best first), the ids a model picked, best
    /// first; nil when it could not answer. The CLI builds one from `git config orch.skillRanker`.
    public var ranker: (@Sendable (String, [Skill]) -> [String]?)?
    private let skills: [String: Skill]
    private let profiles: [String: [String]]
    private let index: BM25Index

    public init(skills: [String: Skill], profiles: [String: [String]] = [:]) {
        self.skills = skills
        self.profiles = profiles
        let ordered = skills.values.sorted { $0.id < $1.id }
        index = BM25Index(documents: ordered.map { skill in
            let idWords = skill.id.replacingOccurrences(of: "-", with: " ")
            // Names, ids and tags say what a skill is most directly: they count twice.
            let boosted = [skill.name, idWords, skill.tags.joined(separator: " ")].joined(separator: " ")
            return (skill.id, [boosted, boosted, skill.category, skill.shortDescription, skill.description,
                               skill.triggerExamples.joined(separator: " ")].joined(separator: " "))
        })
    }

    /// Stage 1 alone: every skill with a positive score, best first.
    public func rank(_ text: String, categories: Set<String> = [], tags: Set<String> = []) -> [(id: String, score: Double)] {
        index.search(text).filter { hit in
            guard let skill = skills[hit.id] else { return false }
            return (categories.isEmpty || categories.contains(skill.category))
                && (tags.isEmpty || !tags.isDisjoint(with: skill.tags))
        }
    }

    public func select(
        for text: String, role: Role? = nil, categories: Set<String> = [], tags: Set<String> = []
    ) throws(SelectionError) -> [Match] {
        var picked = stageTwo(text, candidates: stageOne(text, categories: categories, tags: tags))
        picked = try resolve(picked)
        if let role, let core = profiles[role.skillsProfile] {
            for id in core where picked.count < limit && !picked.contains(where: { $0.skill.id == id }) {
                guard let skill = skills[id], !conflicts(skill, with: picked) else { continue }
                picked.append(Match(skill: skill, score: 0, reason: "core skill of \(role.skillsProfile)"))
            }
        }
        return picked
    }

    /// Every skill scoring at least `relativeCutoff` of the best (at least `minimum` of them).
    func stageOne(_ text: String, categories: Set<String>, tags: Set<String>) -> [Match] {
        let ranked = rank(text, categories: categories, tags: tags)
        guard let best = ranked.first?.score else { return [] }
        var candidates: [Match] = []
        for (position, hit) in ranked.enumerated() {
            guard hit.score >= best * relativeCutoff || position < minimum else { break }
            candidates.append(Match(skill: skills[hit.id]!, score: hit.score, reason: "matched"))
        }
        return candidates
    }

    /// Up to `limit` of the candidates: when more than `rerankAbove` remain and a ranker is
    /// configured, in the ranker's order (ids it invents are ignored); otherwise, or when the
    /// ranker fails or answers nothing usable, in stage 1's order.
    func stageTwo(_ text: String, candidates: [Match]) -> [Match] {
        guard candidates.count > rerankAbove, let ranker,
              let answer = ranker(text, candidates.map(\.skill)) else { return Array(candidates.prefix(limit)) }
        var chosen: [Match] = []
        for id in answer where chosen.count < limit && !chosen.contains(where: { $0.skill.id == id }) {
            if var match = candidates.first(where: { $0.skill.id == id }) {
                match.reason = "ranked by model"
                chosen.append(match)
            }
        }
        return chosen.isEmpty ? Array(candidates.prefix(limit)) : chosen
    }

    /// Adds what picked skills require (transitively), drops a lower-ranked skill that conflicts
    /// with a higher-ranked one, and keeps within `limit` by dropping the lowest-ranked skills
    /// nothing requires.
    func resolve(_ picked: [Match]) throws(SelectionError) -> [Match] {
        var result: [Match] = []
        for match in picked where !conflicts(match.skill, with: result) {
            result.append(match)
        }
        var cursor = 0
        while cursor < result.count {
            let requirer = result[cursor].skill
            for id in requirer.requires where !result.contains(where: { $0.skill.id == id }) {
                guard let required = skills[id] else { throw .missingRequirement(requirer.id, id) }
                if let clash = result.first(where: { $0.skill.conflicts.contains(id) || required.conflicts.contains($0.skill.id) }) {
                    // A skill that nothing needs gives way to a requirement; otherwise the two cannot go together.
                    guard clash.skill.id != requirer.id, clash.reason == "matched", !isRequired(clash.skill.id, by: result),
                          let position = result.firstIndex(where: { $0.skill.id == clash.skill.id })
                    else { throw .conflict(id, clash.skill.id) }
                    result.remove(at: position)
                    if position < cursor { cursor -= 1 }
                }
                result.append(Match(skill: required, score: 0, reason: "required by \(requirer.id)"))
            }
            cursor += 1
        }
        while result.count > limit, let drop = result.lastIndex(where: { !isRequired($0.skill.id, by: result) }) {
            result.remove(at: drop)
        }
        return result
    }

    private func isRequired(_ id: String, by matches: [Match]) -> Bool {
        matches.contains { $0.skill.requires.contains(id) }
    }

    private func conflicts(_ skill: Skill, with matches: [Match]) -> Bool {
        matches.contains { $0.skill.conflicts.contains(skill.id) || skill.conflicts.contains($0.skill.id) }
    }
}

/// Okapi BM25 over small documents (k1 = 1.2, b = 0.75).
struct BM25Index: Sendable {
    private let ids: [String]
    private let termCounts: [[String: Int]]
    private let lengths: [Double]
    private let averageLength: Double
    private let documentFrequency: [String: Int]

    init(documents: [(id: String, text: String)]) {
        ids = documents.map(\.id)
        termCounts = documents.map { document in
            var counts: [String: Int] = [:]
            for term in Tokenizer.terms(document.text) { counts[term, default: 0] += 1 }
            return counts
        }
        lengths = termCounts.map { Double($0.values.reduce(0, +)) }
        averageLength = max(1, lengths.reduce(0, +) / Double(max(1, lengths.count)))
        var frequency: [String: Int] = [:]
        for counts in termCounts { for term in counts.keys { frequency[term, default: 0] += 1 } }
        documentFrequency = frequency
    }

    func search(_ query: String) -> [(id: String, score: Double)] {
        let terms = Set(Tokenizer.terms(query))
        let total = Double(ids.count)
        var hits: [(id: String, score: Double)] = []
        for (index, counts) in termCounts.enumerated() {
            var score = 0.0
            for term in terms {
                guard let count = counts[term].map(Double.init) else { continue }
                let frequency = Double(documentFrequency[term] ?? 0)
                let idf = log(1 + (total - frequency + 0.5) / (frequency + 0.5))
                score += idf * count * 2.2 / (count + 1.2 * (0.25 + 0.75 * lengths[index] / averageLength))
            }
            if score > 0 { hits.append((ids[index], score)) }
        }
        return hits.sorted { $0.score != $1.score ? $0.score > $1.score : $0.id < $1.id }
    }
}

/// Lower-cased words with common English endings removed, stop words dropped.
enum Tokenizer {
    static let stopWords: Set<String> = [
        "a", "an", "the", "to", "of", "and", "or", "for", "in", "on", "with", "is", "it", "this", "that", "be",
        "as", "by", "from", "at", "all", "any", "each", "our", "we", "you", "your", "its", "into", "so", "if",
        "when", "then", "than", "are", "was", "were", "will", "should", "can", "do", "does", "make", "so",
        "there", "their", "them", "they", "what", "which", "who", "how", "why", "not", "no", "but", "after",
        "before", "about", "up", "out", "one", "some", "more", "most", "also", "use", "using", "used",
    ]

    static func terms(_ text: String) -> [String] {
        var terms: [String] = []
        var word = ""
        func flush() {
            if !word.isEmpty && !stopWords.contains(word) { terms.append(stem(word)) }
            word = ""
        }
        for scalar in text.lowercased().unicodeScalars {
            if (scalar.value >= 97 && scalar.value <= 122) || (scalar.value >= 48 && scalar.value <= 57) {
                word.unicodeScalars.append(scalar)
            } else {
                flush()
            }
        }
        flush()
        return terms
    }

    /// A light suffix stripper: enough for "tests/testing/tested", "queries/query",
    /// "indexes/index", "update/updated/updating" to meet.
    static func stem(_ word: String) -> String {
        guard word.count > 4 else { return word }
        var stem = word
        if stem.hasSuffix("ies") {
            stem = String(stem.dropLast(3)) + "y"
        } else if ["sses", "xes", "ches", "shes", "zes"].contains(where: { stem.hasSuffix($0) }) {
            stem = String(stem.dropLast(2))
        } else if stem.hasSuffix("ing") && stem.count > 6 {
            stem = String(stem.dropLast(3))
        } else if stem.hasSuffix("ed") && stem.count > 5 {
            stem = String(stem.dropLast(2))
        } else if stem.hasSuffix("s") && !stem.hasSuffix("ss") && !stem.hasSuffix("us") {
            stem = String(stem.dropLast())
        }
        if stem.count > 4 && stem.hasSuffix("e") { stem = String(stem.dropLast()) }
        return stem
    }
}
