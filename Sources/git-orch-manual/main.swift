// git-orch-manual: the whole `git orch` command tree (GitOrchManual.swift) for ArgumentParser to
// document: `--experimental-dump-help` feeds generate-manual, `--generate-completion-script
// bash|zsh|fish` prints a completion script, `--help` works at every level. install.sh runs it;
// it is not installed.
#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser

// ArgumentParser answers the requests above from the parse or with its own commands (help). A
// command of the tree is never run: here it would be the real one (`start` starting a team)
// under another binary's name.
do {
    var command = try GitOrchManual.parseAsRoot()
    if CommandTree.contains(type(of: command)) {
        let message = Array("git-orch-manual: documents git-orch and runs nothing; use 'git orch' (see --help)\n".utf8)
        _ = message.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        exit(2)
    }
    try command.run()
} catch {
    GitOrchManual.exit(withError: error)
}
