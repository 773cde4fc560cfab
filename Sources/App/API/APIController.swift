import Fluent
import Vapor

/// `/api/v1`: JSON for scripts and integrations, authenticated with a Bearer API token.
struct APIController {
    /// Rows per API list page when `?limit=` is not given (at most `ListRequest.maximumLimit`).
    static let defaultListLimit = 100

    struct OrganizationDTO: Content {
        let id: UUID
        let name: String
        /// The organization's two-factor rule for account administrators (set in the console).
        let requireAdminTwoFactor: Bool
    }

    struct MemberDTO: Content {
        let id: UUID
        let name: String
        let email: String
        let role: String
        let status: String
        let joinedAt: Date?
    }

    struct AuditEventDTO: Content {
        let id: UUID?
        let time: Date?
        let actor: String
        let action: AuditAction
        let targetType: String
        let target: String
        let details: String?
    }

    struct APITokenDTO: Content {
        let id: UUID
        let name: String
        let createdAt: Date?
        let lastUsedAt: Date?
        let revoked: Bool
        /// `standard`, or `administration` for the sensitive changes too.
        let scope: APITokenScope
        /// Present only in the response that created the token.
        let token: String?
    }

    func organization(_ req: Request) async throws -> OrganizationDTO {
        let context = try req.api
        guard let organization = try await Organization.find(context.organizationID, on: req.db) else { throw Abort(.notFound) }
        return OrganizationDTO(id: try organization.requireID(), name: organization.name, requireAdminTwoFactor: organization.requireAdminTwoFactor)
    }

    /// A page of members, oldest first (`?cursor=`, `?limit=` up to 1,000, default 100; `Link` names the next and
    /// previous pages); filtered by `role`, `status`, `from`, `to` (the days they joined).
    func members(_ req: Request) async throws -> Response {
        let organizationID = try req.api.organizationID
        let filter = try MemberList(req)
        let list = try ListRequest(req, defaultLimit: Self.defaultListLimit)
        let page = try await list.page(filter.query(organizationID: organizationID, on: req.db), MemberList.oldestFirst)
        return try await list.response(page, for: req, Self.memberDTO)
    }

    /// `GET /api/v1/members/export.csv`: the filtered list in full, streamed.
    func exportMembers(_ req: Request) async throws -> Response {
        try MemberList(req).export(organizationID: try req.api.organizationID, for: req)
    }

    static func memberDTO(_ membership: Membership) throws -> MemberDTO {
        MemberDTO(id: try membership.requireID(), name: membership.account.name, email: membership.account.email, role: membership.role.rawValue,
                  status: membership.status.rawValue, joinedAt: membership.createdAt)
    }

    /// A page of audit events, newest first (`?cursor=`, `?limit=` up to 1,000, default 100; `Link` names the next
    /// and previous pages); filtered by `action`, `actor` (as recorded) and `from`, `to` (days, UTC).
    func auditEvents(_ req: Request) async throws -> Response {
        let filter = try AuditList(req)
        let list = try ListRequest(req, defaultLimit: Self.defaultListLimit)
        let page = try await list.page(filter.query(organizationID: try req.api.organizationID, on: req.db), AuditList.newestFirst)
        return try await list.response(page, for: req) { (event: AuditEvent) in
            AuditEventDTO(id: event.id, time: event.createdAt, actor: event.actorLabel, action: event.action, targetType: event.targetType,
                          target: event.targetLabel, details: event.details)
        }
    }

    /// `GET /api/v1/audit-events/export.csv`: the filtered log in full, streamed.
    func exportAuditEvents(_ req: Request) async throws -> Response {
        try AuditList(req).export(organizationID: try req.api.organizationID, for: req)
    }

    func apiTokens(_ req: Request) async throws -> [APITokenDTO] {
        try await APITokenService.list(organizationID: req.api.organizationID, on: req.db).map(Self.dto)
    }

    struct CreateAPIToken: Content {
        var name: String
        /// `standard` when absent.
        var scope: String?
    }

    func createAPIToken(_ req: Request) async throws -> Response {
        let context = try req.api
        let body = try req.content.decode(CreateAPIToken.self)
        let created = try await APITokenService.create(name: body.name, scope: try APITokenScope.parse(body.scope, field: "scope"),
                                                       organizationID: context.organizationID, accountID: context.accountID,
                                                       actor: context.actor, on: req.db)
        return try await Self.dto(created.record, token: created.token).encodeResponse(status: .created, for: req)
    }

    func revokeAPIToken(_ req: Request) async throws -> APITokenDTO {
        let context = try req.api
        guard let id = req.parameters.get("id", as: UUID.self) else { throw Abort(.badRequest, reason: "id: is not a valid token id") }
        return try Self.dto(await APITokenService.revoke(id: id, organizationID: context.organizationID, actor: context.actor, on: req.db))
    }

    private static func dto(_ token: APIToken) throws -> APITokenDTO { try dto(token, token: nil) }

    private static func dto(_ token: APIToken, token secret: String?) throws -> APITokenDTO {
        APITokenDTO(id: try token.requireID(), name: token.name, createdAt: token.createdAt, lastUsedAt: token.lastUsedAt,
                    revoked: token.revokedAt != nil, scope: token.scope, token: secret)
    }
}
