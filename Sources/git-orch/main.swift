#if canImport(Glibc)
import Glibc
#endif
import GitOrchCLI

// A closed pipe (`git orch task list | head`) ends output with EPIPE, not with a signal.
signal(SIGPIPE, SIG_IGN)
exit(GitOrchMain.run(Array(CommandLine.arguments.dropFirst())))
