import Foundation
import HTTPTypes
public import Hummingbird

/// The secret in the URL the dashboard prints. Every request needs it: as `?token=` (the printed
/// URL), as the `X-Orch-Token` header (the page's own requests), or, for reading only, as the
/// cookie the page gets on its first load (so that stylesheets and scripts load). Requests that
/// change something need the header or the query: a cookie alone would let another site's form
/// post to the dashboard.
public struct AccessToken: Sendable, Equatable {
    public static let header = HTTPField.Name("X-Orch-Token")!
    public static let cookie = "orch_token"

    public let value: String

    public init(_ value: String) { self.value = value }

    /// 128 random bits, in hex.
    public static func random() -> AccessToken {
        var generator = SystemRandomNumberGenerator()
        return AccessToken((0..<4).map { _ in String(format: "%08x", UInt32.random(in: .min ... .max, using: &generator)) }.joined())
    }

    public func accepts(_ request: Request, readOnly: Bool) -> Bool {
        if matches(request.uri.queryParameters.get("token")) || matches(request.headers[Self.header]) { return true }
        return readOnly && matches(request.cookies[Self.cookie]?.value)
    }

    /// Compares in constant time.
    func matches(_ candidate: String?) -> Bool {
        guard let candidate else { return false }
        let a = Array(candidate.utf8), b = Array(value.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A browser's WebSocket carries the page's origin: it must be this server (a loopback name,
    /// and the port the request came to), so a page of another site, or of another server on this
    /// machine, cannot listen in even if it learnt the token. Other clients send no Origin, or a
    /// `ws://` one (never a browser's), and need only the token.
    public static func originAllowed(_ request: Request) -> Bool {
        let authority = request.head.authority ?? ""
        let port = authority.lastIndex(of: ":").flatMap { Int(authority[authority.index(after: $0)...]) }
        return request.headers[values: .origin].allSatisfy { origin in
            guard let url = URL(string: origin), let host = url.host,
                  ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) else { return false }
            if url.scheme == "ws" { return true }
            guard url.scheme == "http" else { return false }
            return port == nil || (url.port ?? 80) == port
        }
    }
}

/// Answers 401 to requests without the token.
public struct TokenMiddleware<Context: RequestContext>: RouterMiddleware {
    public let token: AccessToken

    public init(token: AccessToken) { self.token = token }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let readOnly = request.method == .get || request.method == .head
        guard token.accepts(request, readOnly: readOnly) else {
            return Response(
                status: .unauthorized, headers: [.contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: "401: open the dashboard with the URL that 'git orch dashboard' printed (it has the token)\n")))
        }
        return try await next(request, context)
    }
}
