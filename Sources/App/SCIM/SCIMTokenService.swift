import Fluent
import HeraldCore
import Vapor

/// Creating and revoking SCIM tokens, shared by the console and `herald directory scim-token`.
enum SCIMTokenService {
    struct Created {
        let record: SCIMToken
        /// Shown exactly once; only its hash is stored.
        let token: String
    }

    static func create(name: String, organizationID: UUID, actor: AuditActor, on db: any Database) async throws -> Created {
        let name = try APITokenService.validateName(name)
        let token = "hrld_scim_" + TokenGenerator.newToken()
        let record = SCIMToken()
        record.$organization.id = organizationID
        record.name = name
        record.tokenHash = TokenGenerator.hash(token)
        try await db.transaction { db in
            try await record.create(on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .scimTokenCreated,
                                      targetType: "scim_token", targetID: record.id, targetLabel: name)
        }
        return Created(record: record, token: token)
    }

    static func revoke(id: UUID, organizationID: UUID, actor: AuditActor, on db: any Database) async throws -> SCIMToken {
        guard let record = try await SCIMToken.query(on: db).filter(\.$id == id).filter(\.$organization.$id == organizationID).first() else {
            throw Abort(.notFound, reason: "id: no SCIM token with this id in your organization")
        }
        guard record.revokedAt == nil else { return record }
        record.revokedAt = Date()
        try await db.transaction { db in
            try await record.save(on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .scimTokenRevoked,
                                      targetType: "scim_token", targetID: record.id, targetLabel: record.name)
        }
        return record
    }

    static func list(organizationID: UUID, on db: any Database) async throws -> [SCIMToken] {
        try await SCIMToken.query(on: db).filter(\.$organization.$id == organizationID).sort(\.$createdAt, .descending).all()
    }
}
