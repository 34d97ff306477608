#if canImport(Glibc)
import Glibc
#endif
import GitOrchCLI

exit(GitOrchMain.run(Array(CommandLine.arguments.dropFirst())))
