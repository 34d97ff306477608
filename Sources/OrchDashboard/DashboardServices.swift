import Foundation
import OrchRuntime

/// Everything the routes use, injected: the supervisor, the repository, the hub and the hand-off.
public struct DashboardServices: Sendable {
    public var link: any SupervisorLink
    public var directory: any TeamDirectory
    public var hub: EventHub
    public var handoff: any HandoffLauncher
    public var token: AccessToken
    /// Where Debian's node-xterm put xterm.js and its addons (see `XtermBundle`).
    public var xtermDirectory: String
    /// How much kept terminal output a page replays per worker.
    public var scrollbackLimit: Int

    public static let defaultXtermDirectory = "/usr/share/nodejs/xterm"

    public init(link: any SupervisorLink, directory: any TeamDirectory, hub: EventHub = EventHub(), handoff: any HandoffLauncher,
                token: AccessToken, xtermDirectory: String = DashboardServices.defaultXtermDirectory, scrollbackLimit: Int = 256 * 1024) {
        self.link = link
        self.directory = directory
        self.hub = hub
        self.handoff = handoff
        self.token = token
        self.xtermDirectory = xtermDirectory
        self.scrollbackLimit = scrollbackLimit
    }

    public var feed: SupervisorFeed { SupervisorFeed(link: link, directory: directory, hub: hub) }
}
