import Crypto
import Foundation
import HeraldCore
import Vapor

/// CSRF protection in two forms.
///
/// Console forms use a synchroniser token: `_csrf` must equal the token kept in the signed-in session. SameSite
/// cookies help too, but older browsers and same-site subdomains make them insufficient.
///
/// Invitee pages (`/join/<token>`) use a link-bound token instead: an HMAC of the page's path under a key derived
/// from the server secret. The path holds the invitation's secret token, so only someone who already holds the
/// link can produce the form token, and a forged cross-site POST needs the link itself. Being stateless, it lets
/// the page's GET write nothing: no session row per visitor (mail scanners and crawlers open links without keeping
/// cookies), which dominated the join page's cost under load (BENCHMARKS.md, "Invitee endpoints under load").
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

    /// The token for a form on a page whose URL path carries a secret link token.
    static func linkBoundToken(path: String, key: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("herald link form|\(path)".utf8), using: key)
        return TokenGenerator.base64URL(Array(mac))
    }

    static func linkFormKey(serverSecret: String) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Array(serverSecret.utf8)),
                               salt: Array("herald.link-forms.v1".utf8), info: Array("csrf".utf8), outputByteCount: 32)
    }

    static func sentToken(_ request: Request) -> String? {
        (try? request.content.get(String.self, at: formField)) ?? request.headers.first(name: "X-CSRF-Token")
    }

    static let rejection = Abort(.forbidden, reason: "The form has expired or did not come from Herald (missing or wrong CSRF token). Reload the page and try again.")
}

/// Console and sign-in forms: the synchroniser token of the session.
struct CSRFMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard ![.GET, .HEAD, .OPTIONS].contains(request.method) else {
            return try await next.respond(to: request)
        }
        try await RequestBodyLimit.collect(request).get()
        guard let sent = CSRF.sentToken(request), let expected = request.session.data[CSRF.sessionKey],
              TokenGenerator.constantTimeEquals(sent, expected) else {
            throw CSRF.rejection
        }
        return try await next.respond(to: request)
    }
}

/// Invitee forms on secret-link pages: the link-bound token of the request's own path. Only for routes whose path
/// contains an unguessable token; on any other path everyone could obtain the token by loading the page.
/// Future-based like `InviteeSessionsMiddleware`, for the same reason: it sits in front of every join page view.
struct LinkBoundCSRFMiddleware: Middleware {
    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard ![.GET, .HEAD, .OPTIONS].contains(request.method) else {
            return next.respond(to: request)
        }
        return RequestBodyLimit.collect(request).flatMap {
            let expected = CSRF.linkBoundToken(path: request.url.path, key: request.herald.linkFormKey)
            guard let sent = CSRF.sentToken(request), TokenGenerator.constantTimeEquals(sent, expected) else {
                return request.eventLoop.makeFailedFuture(CSRF.rejection)
            }
            return next.respond(to: request)
        }
    }
}
