import Foundation
public import Hummingbird

/// The page itself (HTML, CSS and JS kept in this module as text, so an installed binary needs
/// no resource folder) and xterm.js from Debian's node-xterm (see XtermBundle).
public struct PageRoutes<Context: RequestContext>: Sendable {
    public let services: DashboardServices

    public init(services: DashboardServices) { self.services = services }

    public func collection() -> RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        let token = services.token
        routes.get("/") { _, _ in
            var response = Self.text(Page.html, type: "text/html; charset=utf-8")
            // Lets the page's stylesheets and scripts load without the token in their URLs.
            response.setCookie(Cookie(name: AccessToken.cookie, value: token.value, path: "/", httpOnly: true))
            return response
        }
        routes.get("favicon.ico") { _, _ in Self.text(Page.favicon, type: "image/svg+xml") }
        routes.get("dashboard.css") { _, _ in Self.text(Page.css, type: "text/css; charset=utf-8") }
        routes.get("dashboard.js") { _, _ in Self.text(Page.javascript, type: "text/javascript; charset=utf-8") }
        let xterm = XtermBundle(root: services.xtermDirectory)
        let script = xterm.script()
        let stylesheet = xterm.stylesheet
        routes.get("vendor/xterm.js") { _, _ in
            guard let script else { throw HTTPError(.notFound, message: Self.missing(services.xtermDirectory)) }
            return Self.text(script, type: "text/javascript; charset=utf-8")
        }
        routes.get("vendor/xterm.css") { _, _ in
            guard let stylesheet else { throw HTTPError(.notFound, message: Self.missing(services.xtermDirectory)) }
            return Self.text(stylesheet, type: "text/css; charset=utf-8")
        }
        // A WebSocket upgrade that was refused (its Origin is another site's) ends up here.
        routes.get("ws") { _, _ -> Response in
            throw HTTPError(.forbidden, message: "WebSocket refused: its Origin is not this dashboard")
        }
        return routes
    }

    static func missing(_ folder: String) -> String {
        "xterm.js is missing from \(folder): install Debian's node-xterm (./install.sh does)"
    }

    static func text(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
