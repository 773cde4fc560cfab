import Fluent
import HeraldCore
import Vapor

/// What API tokens and SCIM tokens share: one organization, a name, the SHA-256 of a secret shown once, revocation.
protocol OrganizationToken: Model where IDValue == UUID {
    var name: String { get set }
    var tokenHash: String { get set }
    var lastUsedAt: Date? { get set }
    var revokedAt: Date? { get set }
    var organizationID: UUID { get set }
    /// How refusals name it: "API token", "SCIM token".
    static var kind: String { get }
    /// The audit log's target type: "api_token", "scim_token".
    static var auditTargetType: String { get }
    static var createdAction: AuditAction { get }
    static var revokedAction: AuditAction { get }
}

enum OrganizationTokens {
    struct Created<T: OrganizationToken> {
        let record: T
        /// Shown exactly once; only its hash is stored.
        let token: String
    }

    /// Names and saves `record` with a new secret (`prefix` + 256 random bits), audited; returns it with the secret,
    /// which exists nowhere else afterwards (only its hash is stored).
    static func create<T: OrganizationToken>(_ record: T, name: String, prefix: String, actor: AuditActor, details: String? = nil,
                                             on db: any Database) async throws -> Created<T> {
        let token = prefix + TokenGenerator.newToken()
        record.name = try APITokenService.validateName(name)
        record.tokenHash = TokenGenerator.hash(token)
        try await db.transaction { db in
            try await record.create(on: db)
            try await AuditLog.record(on: db, organizationID: record.organizationID, actor: actor, action: T.createdAction,
                                      targetType: T.auditTargetType, targetID: record.id, targetLabel: record.name, details: details)
        }
        return Created(record: record, token: token)
    }

    /// Revokes the organization's token `id` (again is a no-op), audited; 404 for another organization's.
    static func revoke<T: OrganizationToken>(_: T.Type, id: UUID, organizationID: UUID, actor: AuditActor, on db: any Database) async throws -> T {
        let record = try await find(T.self, id: id, organizationID: organizationID, on: db)
        guard record.revokedAt == nil else { return record }
        record.revokedAt = Date()
        try await db.transaction { db in
            try await record.save(on: db)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: T.revokedAction,
                                      targetType: T.auditTargetType, targetID: record.id, targetLabel: record.name)
        }
        return record
    }

    /// The organization's token `id`; 404 for another organization's, so ids of other organizations tell nothing.
    static func find<T: OrganizationToken>(_: T.Type, id: UUID, organizationID: UUID, on db: any Database) async throws -> T {
        guard let record = try await T.find(id, on: db), record.organizationID == organizationID else {
            throw Abort(.notFound, reason: "id: no \(T.kind) with this id in your organization")
        }
        return record
    }

    /// Records that `token` authenticated a request, at most once a minute: a write per request would serialise
    /// API traffic or a bulk SCIM push on SQLite.
    static func recordUse<T: OrganizationToken>(of token: T, on db: any Database) async throws {
        guard token.lastUsedAt.map({ Date().timeIntervalSince($0) > 60 }) ?? true else { return }
        token.lastUsedAt = Date()
        try await token.save(on: db)
    }
}

extension OrganizationToken {
    /// "last used 3 May 2026" or "never used yet", for the revoke confirmation.
    var lastUseDescription: String {
        lastUsedAt.map { "last used \(DisplayDate.format($0))" } ?? "never used yet"
    }
}
