import Crypto
import HeraldCore
import Vapor

/// Synchroniser-token CSRF protection: every console form carries `_csrf`, which must equal the token kept in
/// the session. SameSite cookies help too, but older browsers and same-site subdomains make them insufficient.
enum CSRF {
    static let formField = "_csrf"
    static let sessionKey = "csrf"

    /// The session's token, created on first use.
    static func token(for request: Request) -> String {
        if let existing = request.session.data[sessionKey] { return existing }
        let token = TokenGenerator.newToken()
        request.session.data[sessionKey] = token
        return token
    }
}

struct CSRFMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard ![.GET, .HEAD, .OPTIONS].contains(request.method) else {
            return try await next.respond(to: request)
        }
        let sent = (try? request.content.get(String.self, at: CSRF.formField))
            ?? request.headers.first(name: "X-CSRF-Token")
        guard let sent, let expected = request.session.data[CSRF.sessionKey],
              TokenGenerator.constantTimeEquals(sent, expected) else {
            throw Abort(.forbidden, reason: "The form has expired or did not come from Herald (missing or wrong CSRF token). Reload the page and try again.")
        }
        return try await next.respond(to: request)
    }
}
