#if canImport(Glibc)
import Glibc
#endif
import GitOrchCatalogCLI
import GitOrchCLI

signal(SIGPIPE, SIG_IGN)
exit(GitOrchMain.run(GitOrchCatalog.self, Array(CommandLine.arguments.dropFirst())))
