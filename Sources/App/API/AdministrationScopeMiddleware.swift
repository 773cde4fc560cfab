import Vapor

/// Sensitive changes over the API need an `administration` token: the API's counterpart of the console's
/// re-authentication (`RecentAuthenticationMiddleware`), since a program cannot be asked for a password. Making such a
/// token needs that re-authentication in the console, or an `administration` token, or the server's command line.
struct AdministrationScopeMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let token = try request.api.token
        guard token.scope == .administration else {
            throw Abort(.forbidden, reason: "Authorization: this change needs an API token with the administration scope; "
                + "the token '\(token.name)' has the \(token.scope.rawValue) scope. An administrator creates one in the console "
                + "(API tokens), after confirming their password.")
        }
        return try await next.respond(to: request)
    }
}

extension RouteGroups {
    /// API routes for sensitive changes: `administration` tokens only.
    var apiAdministration: any RoutesBuilder { api.grouped(AdministrationScopeMiddleware()) }
}
