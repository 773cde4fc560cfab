import Fluent
import HeraldCore
import Vapor

/// Creating and revoking API tokens, shared by the console, the API and `herald token`.
enum APITokenService {
    struct Created {
        let record: APIToken
        /// Shown exactly once; only its hash is stored.
        let token: String
    }

    static func validateName(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw Abort(.badRequest, reason: "name: is required") }
        guard trimmed.count <= 100 else { throw Abort(.badRequest, reason: "name: must be at most 100 characters") }
        if let problem = SafeText.fieldProblem(trimmed, field: "name") { throw Abort(.badRequest, reason: problem) }
        return trimmed
    }

    static func create(name: String, organizationID: UUID, accountID: UUID, actor: AuditActor, on db: any Database) async throws -> Created {
        let name = try validateName(name)
        let token = "hrld_" + TokenGenerator.newToken()
        let record = APIToken()
        record.$organization.id = organizationID
        record.$account.id = accountID
        record.name = name
        record.tokenHash = TokenGenerator.hash(token)
        try await db.transaction { db in
            try await record.create(on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .apiTokenCreated,
                                      targetType: "api_token", targetID: record.id, targetLabel: name)
        }
        return Created(record: record, token: token)
    }

    static func revoke(id: UUID, organizationID: UUID, actor: AuditActor, on db: any Database) async throws -> APIToken {
        guard let record = try await APIToken.query(on: db).filter(\.$id == id).filter(\.$organization.$id == organizationID).first() else {
            throw Abort(.notFound, reason: "id: no API token with this id in your organization")
        }
        guard record.revokedAt == nil else { return record }
        record.revokedAt = Date()
        try await db.transaction { db in
            try await record.save(on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .apiTokenRevoked,
                                      targetType: "api_token", targetID: record.id, targetLabel: record.name)
        }
        return record
    }

    static func list(organizationID: UUID, on db: any Database) async throws -> [APIToken] {
        try await APIToken.query(on: db).filter(\.$organization.$id == organizationID).with(\.$account).sort(\.$createdAt, .descending).all()
    }
}
