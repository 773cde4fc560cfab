import Fluent
import Foundation

/// A Bearer token for `/api/v1`, scoped to one organization and acting as the account that created it.
final class APIToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization
    @Parent(key: "account_id") var account: Account

    @Field(key: "name") var name: String
    /// SHA-256 of the token; the token is printed once at creation.
    @Field(key: "token_hash") var tokenHash: String
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

extension APIToken: OrganizationToken {
    static let kind = "API token"
    static let auditTargetType = "api_token"
    static let createdAction = AuditAction.apiTokenCreated
    static let revokedAction = AuditAction.apiTokenRevoked

    var organizationID: UUID {
        get { $organization.id }
        set { $organization.id = newValue }
    }
}
