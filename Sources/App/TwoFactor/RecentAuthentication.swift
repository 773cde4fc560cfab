import Vapor

/// Sensitive changes (mail settings, API tokens, webhook secrets, promoting an administrator, the two-factor rule)
/// need the administrator to have proven who they are a few minutes before: a console left open on an unlocked
/// computer must not be enough to take the organization's mail or API over. Signing in counts as proof; later, the
/// re-authentication page asks for the password or an authenticator code.
enum RecentAuthentication {
    static let sessionKey = "authenticated_at"
    static let window: TimeInterval = 5 * 60

    static func record(_ req: Request) {
        req.session.data[sessionKey] = String(Int(req.herald.clock.now.timeIntervalSince1970))
    }

    static func isRecent(_ req: Request) -> Bool {
        guard let at = req.session.data[sessionKey].flatMap(Double.init) else { return false }
        let age = req.herald.clock.now.timeIntervalSince1970 - at
        return age >= -60 && age <= window
    }

    /// The re-authentication page in place of the request, carrying what a POST sent so that it goes through once the
    /// administrator has confirmed. For routes where only some changes are sensitive (an endpoint's new URL).
    static func challenge(_ request: Request) async throws -> Response {
        let fields = request.method == .POST ? CarriedForm.fields(of: request) : []
        return try await ReauthenticationController.page(
            request, returnTo: request.url.string, method: request.method == .POST ? "POST" : "GET", fields: fields, error: nil, status: .forbidden)
    }
}

/// Guards a route with `RecentAuthentication`: without a recent proof, the request is not performed and the
/// re-authentication page is shown instead, carrying what the form sent so the change goes through, as typed, once
/// the administrator has confirmed.
struct RecentAuthenticationMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if RecentAuthentication.isRecent(request) { return try await next.respond(to: request) }
        return try await RecentAuthentication.challenge(request)
    }
}

extension RouteGroups {
    /// Administration routes that need `RecentAuthentication`.
    var recentlyAuthenticated: any RoutesBuilder { admin.grouped(RecentAuthenticationMiddleware()) }
}

/// The fields of a URL-encoded form in order, repeated names kept (checkbox lists), without the CSRF token and the
/// re-authentication page's own fields.
enum CarriedForm {
    struct Field: Encodable, Equatable {
        let name: String
        let value: String
    }

    static func fields(of req: Request) -> [Field] {
        guard req.headers.contentType == .urlEncodedForm, let body = req.body.data else { return [] }
        return parse(String(buffer: body)).filter { $0.name != CSRF.formField && !$0.name.hasPrefix("reauth_") }
    }

    static func parse(_ body: String) -> [Field] {
        body.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ part: Substring) -> String? { part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = parts.first.flatMap(decoded), !name.isEmpty else { return nil }
            return Field(name: name, value: parts.count > 1 ? decoded(parts[1]) ?? "" : "")
        }
    }
}
