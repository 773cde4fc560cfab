import Fluent
import Foundation

/// A Bearer token for `/scim/v2`: it alone decides the organization a SCIM request acts on.
final class SCIMToken: Model, @unchecked Sendable {
    static let schema = "scim_tokens"

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization

    @Field(key: "name") var name: String
    /// SHA-256 of the token; the token is shown once at creation.
    @Field(key: "token_hash") var tokenHash: String
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

extension SCIMToken: OrganizationToken {
    static let kind = "SCIM token"
    static let auditTargetType = "scim_token"
    static let createdAction = AuditAction.scimTokenCreated
    static let revokedAction = AuditAction.scimTokenRevoked

    var organizationID: UUID {
        get { $organization.id }
        set { $organization.id = newValue }
    }
}
