import ProcessKit

/// The git CLI, for what libgit2 1.5 cannot do (worktrees on existing branches, index updates
/// that honour .gitignore and hooks as the user's git does). Arguments go straight to git, never
/// through a shell.
struct GitCLI {
    let directory: String

    @discardableResult
    func run(_ arguments: [String], environment: [String: String] = [:], allowFailure: Bool = false) throws(RuntimeError) -> Subprocess.Result {
        let result: Subprocess.Result
        do {
            result = try Subprocess.run("git", arguments, in: directory, environment: environment)
        } catch {
            throw .git(arguments, error.description)
        }
        if result.status != 0 && !allowFailure {
            let message = result.errorOutput.split(separator: "\n").last.map(String.init) ?? "exit status \(result.status)"
            throw .git(arguments, message)
        }
        return result
    }

    func output(_ arguments: [String], environment: [String: String] = [:]) throws(RuntimeError) -> String {
        var text = try run(arguments, environment: environment).output
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// A yes-or-no question to git (`rev-parse --verify`, `diff --quiet`): a git that cannot even
    /// start answers no, and the caller's next `run` reports why.
    func succeeds(_ arguments: [String]) -> Bool {
        (try? run(arguments, allowFailure: true).status) == 0
    }
}
