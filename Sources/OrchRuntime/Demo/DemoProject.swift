/// The project `git orch demo` creates: `textkit`, a small text tool in POSIX sh with real tests,
/// and a dozen dependent tasks, each carrying the edit the scripted agent performs. One task
/// breaks a test (the merge queue rejects it), two append to the same file (one conflicts and is
/// redone on the new main).
public enum DemoProject {
    /// Relative path to content.
    public static let files: [String: String] = [
        "README.md": """
        # textkit

        Small text commands: `bin/textkit COMMAND TEXT...`. Each command lives in `lib/COMMAND.sh`
        and has a test in `tests/test_COMMAND.sh`; `sh tests/run.sh` runs them all.

        """,
        "CHANGELOG.md": "# Changelog\n\n",
        "bin/textkit": """
        #!/bin/sh
        # textkit COMMAND TEXT...: runs lib/COMMAND.sh's `run` on the text.
        here=$(cd "$(dirname "$0")/.." && pwd)
        command=$1
        [ -n "$command" ] || { echo "usage: textkit COMMAND TEXT..." >&2; exit 64; }
        shift
        [ -f "$here/lib/$command.sh" ] || { echo "textkit: unknown command '$command'" >&2; exit 64; }
        . "$here/lib/$command.sh"
        run "$*"

        """,
        "lib/upper.sh": "run() { printf '%s\\n' \"$1\" | tr '[:lower:]' '[:upper:]'; }\n",
        "tests/test_upper.sh": "check upper 'Hello World' 'HELLO WORLD'\n",
        "tests/run.sh": """
        #!/bin/sh
        # Runs every tests/test_*.sh; each calls `check COMMAND INPUT EXPECTED`.
        here=$(cd "$(dirname "$0")/.." && pwd)
        failures=0
        count=0
        check() {
            count=$((count + 1))
            actual=$(sh "$here/bin/textkit" "$1" "$2")
            if [ "$actual" = "$3" ]; then echo "ok   $1 '$2'"; else echo "FAIL $1 '$2': expected '$3', got '$actual'"; failures=$((failures + 1)); fi
        }
        for test in "$here"/tests/test_*.sh; do . "$test"; done
        echo "$((count - failures)) passed, $failures failed"
        [ "$failures" -eq 0 ]

        """,
    ]

    public static let testCommand = "sh tests/run.sh"

    public struct DemoTask: Sendable {
        public var ref: String
        public var title: String
        public var body: String
        public var after: [String]
    }

    private static func command(_ name: String, _ code: String, test: String, pause: Double = 1.5) -> String {
        "Add the `\(name)` command.\n\n@sleep \(pause)\n@write lib/\(name).sh\n\(code)\n@end\n@write tests/test_\(name).sh\n\(test)\n@end\n"
    }

    public static let tasks: [DemoTask] = [
        DemoTask(ref: "lower", title: "Add the lower command", body: command(
            "lower", "run() { printf '%s\\n' \"$1\" | tr '[:upper:]' '[:lower:]'; }", test: "check lower 'Hello World' 'hello world'"), after: []),
        DemoTask(ref: "words", title: "Add the words command", body: command(
            "words", "run() { printf '%s\\n' \"$1\" | wc -w | tr -d ' '; }", test: "check words 'one two  three' '3'"), after: []),
        DemoTask(ref: "reverse", title: "Add the reverse command", body: command(
            "reverse", "run() { printf '%s\\n' \"$1\" | rev; }", test: "check reverse 'abc' 'cba'"), after: []),
        DemoTask(ref: "trim", title: "Add the trim command", body: command(
            "trim", "run() { printf '%s\\n' \"$1\" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'; }", test: "check trim '  padded  ' 'padded'"), after: []),
        DemoTask(ref: "title", title: "Add the title command (uses lower)", body: command(
            "title", ". \"$here/lib/lower.sh\"\nrun() { printf '%s\\n' \"$1\" | tr '[:upper:]' '[:lower:]' | sed 's/\\(^\\| \\)\\([a-z]\\)/\\1\\u\\2/g'; }",
            test: "check title 'hello big world' 'Hello Big World'"), after: ["lower"]),
        DemoTask(ref: "slug", title: "Add the slug command (after title)", body: command(
            "slug", "run() { printf '%s\\n' \"$1\" | tr '[:upper:]' '[:lower:]' | sed 's/[^a-z0-9]\\{1,\\}/-/g; s/^-//; s/-$//'; }",
            test: "check slug 'Hello, Big World!' 'hello-big-world'"), after: ["title"]),
        DemoTask(ref: "lines", title: "Add the lines command", body: command(
            "lines", "run() { printf '%s\\n' \"$1\" | tr ';' '\\n' | wc -l | tr -d ' '; }", test: "check lines 'a;b;c' '3'"), after: []),
        DemoTask(ref: "docs", title: "Document the commands", body: """
            Write docs/commands.md listing every command.

            @sleep 1
            @write docs/commands.md
            # Commands

            - `upper`, `lower`, `title`: change case
            - `words`, `lines`: count
            - `reverse`, `trim`, `slug`: reshape
            @end
            """, after: ["lower", "words", "reverse"]),
        DemoTask(ref: "changelog-a", title: "Changelog: the case commands", body: """
            @sleep 1
            @append CHANGELOG.md
            - Added `lower` and `title`.
            @end
            """, after: ["title"]),
        DemoTask(ref: "changelog-b", title: "Changelog: the counting commands", body: """
            @sleep 1
            @append CHANGELOG.md
            - Added `words` and `lines`.
            @end
            """, after: ["lines", "words"]),
        DemoTask(ref: "faster-words", title: "Make words faster (breaks a test)", body: """
            A "faster" words that forgets runs of spaces: the test catches it.

            @sleep 1
            @write lib/words.sh
            run() { printf '%s\\n' "$1" | tr ' ' '\\n' | wc -l | tr -d ' '; }
            @end
            """, after: ["words"]),
        DemoTask(ref: "help", title: "Add the help command", body: command(
            "help", "run() { ls \"$here/lib\" | sed 's/\\.sh$//' | tr '\\n' ' ' | sed 's/ $//'; echo; }",
            test: "check help '' \"$(ls \"$here/lib\" | sed 's/\\.sh$//' | tr '\\n' ' ' | sed 's/ $//')\""), after: ["slug", "lines", "trim"]),
    ]
}
