import Fluent
import HeraldCore
import Vapor

/// Creating and revoking API tokens, shared by the console, the API and `herald token`.
enum APITokenService {
    typealias Created = OrganizationTokens.Created<APIToken>

    static func validateName(_ name: String) throws -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw Abort(.badRequest, reason: "name: is required") }
        guard trimmed.count <= 100 else { throw Abort(.badRequest, reason: "name: must be at most 100 characters") }
        if let problem = SafeText.fieldProblem(trimmed, field: "name") { throw Abort(.badRequest, reason: problem) }
        return trimmed
    }

    static func create(name: String, scope: APITokenScope, organizationID: UUID, accountID: UUID, actor: AuditActor,
                       on db: any Database) async throws -> Created {
        let record = APIToken()
        record.$organization.id = organizationID
        record.$account.id = accountID
        record.scope = scope
        return try await OrganizationTokens.create(record, name: name, prefix: "hrld_", actor: actor, details: "scope \(scope.rawValue)", on: db)
    }

    static func revoke(id: UUID, organizationID: UUID, actor: AuditActor, on db: any Database) async throws -> APIToken {
        try await OrganizationTokens.revoke(APIToken.self, id: id, organizationID: organizationID, actor: actor, on: db)
    }

    static func list(organizationID: UUID, on db: any Database) async throws -> [APIToken] {
        try await APIToken.query(on: db).filter(\.$organization.$id == organizationID).with(\.$account).sort(\.$createdAt, .descending).all()
    }
}
