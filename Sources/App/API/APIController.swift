import Fluent
import Vapor

/// `/api/v1`: JSON for scripts and integrations, authenticated with a Bearer API token.
struct APIController {
    struct OrganizationDTO: Content {
        let id: UUID
        let name: String
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
        /// Present only in the response that created the token.
        let token: String?
    }

    func organization(_ req: Request) async throws -> OrganizationDTO {
        let context = try req.api
        guard let organization = try await Organization.find(context.organizationID, on: req.db) else { throw Abort(.notFound) }
        return OrganizationDTO(id: try organization.requireID(), name: organization.name)
    }

    /// A page of members (`?page=`, `?per_page=` up to 1,000, the default; `Link` names the next).
    func members(_ req: Request) async throws -> Response {
        let organizationID = try req.api.organizationID
        let page = try PageRequest(req, defaultSize: PageRequest.maximumSize)
        let shown = try await page.slice { offset, limit in
            try await Membership.query(on: req.db)
                .filter(\.$organization.$id == organizationID).filter(\.$status ~~ [.active, .blocked])
                .with(\.$account).sort(\.$createdAt).sort(\.$id).range(offset..<(offset + limit)).all()
        }
        return try await page.response(shown.rows.map(Self.memberDTO), next: shown.next, for: req)
    }

    static func memberDTO(_ membership: Membership) throws -> MemberDTO {
        MemberDTO(id: try membership.requireID(), name: membership.account.name, email: membership.account.email, role: membership.role.rawValue,
                  status: membership.status.rawValue, joinedAt: membership.createdAt)
    }

    func auditEvents(_ req: Request) async throws -> [AuditEventDTO] {
        let limit = try req.query(WholeNumber<ListLimit>.self, "limit")?.value ?? 100
        return try await AuditEvent.query(on: req.db).filter(\.$organization.$id == req.api.organizationID)
            .sort(\.$createdAt, .descending).limit(limit).all()
            .map { AuditEventDTO(time: $0.createdAt, actor: $0.actorLabel, action: $0.action, targetType: $0.targetType, target: $0.targetLabel, details: $0.details) }
    }

    func apiTokens(_ req: Request) async throws -> [APITokenDTO] {
        try await APITokenService.list(organizationID: req.api.organizationID, on: req.db).map(Self.dto)
    }

    struct CreateAPIToken: Content {
        var name: String
    }

    func createAPIToken(_ req: Request) async throws -> Response {
        let context = try req.api
        let body = try req.content.decode(CreateAPIToken.self)
        let created = try await APITokenService.create(name: body.name, organizationID: context.organizationID,
                                                       accountID: context.accountID, actor: context.actor, on: req.db)
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
                    revoked: token.revokedAt != nil, token: secret)
    }
}
