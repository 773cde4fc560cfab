import Fluent
import HeraldCore
import Vapor

/// Creating and revoking SCIM tokens, shared by the console and `herald directory scim-token`.
enum SCIMTokenService {
    typealias Created = OrganizationTokens.Created<SCIMToken>

    static func create(name: String, organizationID: UUID, actor: AuditActor, on db: any Database) async throws -> Created {
        let record = SCIMToken()
        record.$organization.id = organizationID
        return try await OrganizationTokens.create(record, name: name, prefix: "hrld_scim_", actor: actor, on: db)
    }

    static func revoke(id: UUID, organizationID: UUID, actor: AuditActor, on db: any Database) async throws -> SCIMToken {
        try await OrganizationTokens.revoke(SCIMToken.self, id: id, organizationID: organizationID, actor: actor, on: db)
    }

    static func list(organizationID: UUID, on db: any Database) async throws -> [SCIMToken] {
        try await SCIMToken.query(on: db).filter(\.$organization.$id == organizationID).sort(\.$createdAt, .descending).all()
    }
}
