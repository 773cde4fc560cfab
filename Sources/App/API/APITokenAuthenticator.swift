import Fluent
import HeraldCore
import Vapor

/// The organization and account an API request acts for, from its Bearer token.
struct APIContext: Sendable {
    let token: APIToken
    let organizationID: UUID
    let account: Account

    var accountID: UUID { token.$account.id }
    var actor: AuditActor { .apiToken(accountID: accountID, tokenName: token.name) }
}

extension Request {
    private struct APIContextKey: StorageKey { typealias Value = APIContext }

    var api: APIContext {
        get throws {
            guard let context = storage[APIContextKey.self] else {
                throw Abort(.unauthorized, reason: "Authorization: a valid Bearer API token is required.")
            }
            return context
        }
    }

    func setAPI(_ context: APIContext) { storage[APIContextKey.self] = context }
}

/// Accepts `Authorization: Bearer <token>` for an unrevoked token whose account is still an active
/// administrator of the token's organization: blocking or demoting a person also stops their tokens.
struct APITokenMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let bearer = request.headers.bearerAuthorization else {
            throw Abort(.unauthorized, reason: "Authorization: a Bearer API token is required.")
        }
        guard let token = try await APIToken.query(on: request.db)
            .filter(\.$tokenHash == TokenGenerator.hash(bearer.token))
            .filter(\.$revokedAt == nil)
            .with(\.$account)
            .first()
        else {
            throw Abort(.unauthorized, reason: "Authorization: the API token is unknown or revoked.")
        }
        let membership = try await Membership.query(on: request.db)
            .filter(\.$organization.$id == token.$organization.id)
            .filter(\.$account.$id == token.$account.id)
            .first()
        guard let membership, membership.status == .active, membership.role == .administrator else {
            throw Abort(.forbidden, reason: "Authorization: the token's owner is no longer an active administrator.")
        }
        try await OrganizationTokens.recordUse(of: token, on: request.db)
        request.setAPI(APIContext(token: token, organizationID: token.$organization.id, account: token.account))
        return try await next.respond(to: request)
    }
}
