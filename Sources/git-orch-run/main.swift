// git-orch-run: the supervisor, its workers and the commands that talk to them, kept in their own
// executable so the catalog and runtime stay out of the binary every other command starts.
#if canImport(Glibc)
import Glibc
#endif
import GitOrchCLI
import GitOrchRunCLI

// A peer that went away (a closed socket or pipe) is an error return to handle, not a signal.
signal(SIGPIPE, SIG_IGN)
exit(GitOrchMain.run(GitOrchRun.self, Array(CommandLine.arguments.dropFirst())))
