import Fluent
import HeraldCore
import Vapor

/// The organization a SCIM request acts on, from its token.
struct SCIMContext: Sendable {
    let organizationID: UUID
    let tokenName: String
    /// Where the resources live, for `meta.location` and `$ref`: `https://herald.example/scim/v2`.
    let baseURL: String

    var actor: AuditActor { .directorySync(source: "SCIM token '\(tokenName)'") }
}

extension Request {
    private struct SCIMContextKey: StorageKey { typealias Value = SCIMContext }

    var scim: SCIMContext {
        get throws {
            guard let context = storage[SCIMContextKey.self] else { throw SCIMError(.unauthorized, nil, "Authorization: a SCIM Bearer token is required") }
            return context
        }
    }

    fileprivate func setSCIM(_ context: SCIMContext) { storage[SCIMContextKey.self] = context }
}

/// Accepts `Authorization: Bearer <token>` for an unrevoked SCIM token, and only while its organization's directory
/// is provisioned by SCIM: an identity provider left configured after a switch to LDAP or CSV must not write.
struct SCIMAuthenticationMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let challenge: HTTPHeaders = ["WWW-Authenticate": "Bearer realm=\"Herald SCIM\""]
        guard let bearer = request.headers.bearerAuthorization else {
            return SCIMError.response(status: .unauthorized, scimType: nil, detail: "Authorization: a SCIM Bearer token is required", headers: challenge)
        }
        guard let token = try await SCIMToken.query(on: request.db).filter(\.$tokenHash == TokenGenerator.hash(bearer.token))
            .filter(\.$revokedAt == nil).first() else {
            return SCIMError.response(status: .unauthorized, scimType: nil, detail: "Authorization: the SCIM token is unknown or revoked", headers: challenge)
        }
        let organizationID = token.$organization.id
        let provisioning = try await DirectorySettingsStore.provisioning(of: organizationID, on: request.db)
        guard provisioning == .scim else {
            throw SCIMError(.forbidden, nil, "the organization's directory is provisioned by \(provisioning.label), not SCIM; an administrator can switch it on the console's Directory page")
        }
        try await OrganizationTokens.recordUse(of: token, on: request.db)
        var root = request.herald.configuration.publicURL.absoluteString
        while root.hasSuffix("/") { root.removeLast() }
        let base = root + "/scim/v2"
        request.setSCIM(SCIMContext(organizationID: organizationID, tokenName: token.name, baseURL: base))
        return try await next.respond(to: request)
    }
}
