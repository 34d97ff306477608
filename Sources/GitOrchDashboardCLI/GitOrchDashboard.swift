public import ArgumentParser

/// The dashboard's executable and the documentation tree run this root, so usage lines read
/// `git-orch dashboard ...`, as users type them.
public struct GitOrchDashboard: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "git-orch",
        abstract: "git-orch's dashboard.",
        subcommands: [Dashboard.self]
    )

    public init() {}
}
