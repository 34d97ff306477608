/// Splits a command line into words the way a POSIX shell does (single quotes, double quotes,
/// backslash), but expands nothing and never runs a shell: `$HOME`, `~`, `*` and `;` stay literal.
enum CommandLineWords {
    enum Failure: Error, Equatable {
        case unbalancedQuote(Character)
        case trailingBackslash

        var reason: String {
            switch self {
            case .unbalancedQuote(let quote): "unbalanced \(quote) quote"
            case .trailingBackslash: "ends with a backslash that escapes nothing"
            }
        }
    }

    static func split(_ line: String) throws(Failure) -> [String] {
        var words: [String] = []
        var word = ""
        // A quoted empty string ('' or "") is still a word.
        var inWord = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            switch character {
            case " ", "\t", "\n", "\r", "\r\n":
                if inWord { words.append(word); word = ""; inWord = false }
            case "\\":
                guard let next = iterator.next() else { throw .trailingBackslash }
                // Backslash-newline is a line continuation in a shell.
                if next != "\n" && next != "\r\n" { word.append(next); inWord = true }
            case "'":
                inWord = true
                while true {
                    guard let next = iterator.next() else { throw .unbalancedQuote("'") }
                    if next == "'" { break }
                    word.append(next)
                }
            case "\"":
                inWord = true
                while true {
                    guard let next = iterator.next() else { throw .unbalancedQuote("\"") }
                    if next == "\"" { break }
                    if next == "\\" {
                        guard let escaped = iterator.next() else { throw .unbalancedQuote("\"") }
                        // Inside double quotes a backslash only escapes these; elsewhere it is literal.
                        if "$`\"\\".contains(escaped) { word.append(escaped) }
                        else if escaped != "\n" { word.append("\\"); word.append(escaped) }
                    } else {
                        word.append(next)
                    }
                }
            default:
                word.append(character)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }
}
