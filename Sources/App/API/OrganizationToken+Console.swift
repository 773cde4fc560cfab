import Vapor

/// The console's steps for API and SCIM tokens alike: a token named by the route's `id`, and its revocation.
extension OrganizationTokens {
    /// The signed-in organization's token named by the route's `id`, for the revoke confirmation; 404 otherwise.
    static func consoleToken<T: OrganizationToken>(_: T.Type, _ req: Request) async throws -> T {
        let organizationID = try req.console.organizationID
        guard let id = req.parameters.get("id", as: UUID.self) else {
            throw Abort(.notFound, reason: "id: no \(T.kind) with this id in your organization")
        }
        return try await find(T.self, id: id, organizationID: organizationID, on: req.db)
    }

    /// Revokes the token named by the route's `id`, says so in a flash message and returns to `page`.
    static func revokeFromConsole<T: OrganizationToken>(_: T.Type, _ req: Request, returnTo page: String) async throws -> Response {
        let context = try req.console
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.badRequest, reason: "id: is not a valid token id") }
        let token = try await revoke(T.self, id: id, organizationID: context.organizationID, actor: context.actor, on: req.db)
        req.flash("\(T.kind) '\(token.name)' revoked.")
        return req.redirect(to: page)
    }

    /// The revoke confirmation: `users` says who is refused from now on, `replacement` how to carry on without it.
    static func revokeConfirmation<T: OrganizationToken>(of token: T, users: String, replacement: String, cancelPath: String) -> Confirmation {
        Confirmation(question: "Revoke the \(T.kind) '\(token.name)'?",
                     consequences: [users, "A revoked token cannot be restored: create a new one and \(replacement) instead."],
                     confirmLabel: "Revoke '\(token.name)'", cancelPath: cancelPath)
    }
}
