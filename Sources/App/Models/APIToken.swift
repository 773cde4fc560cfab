import Fluent
import Foundation

/// What an API token may do. The console asks an administrator to confirm their password before a sensitive change
/// (mail settings, tokens, single sign-on, webhook endpoints and secrets, promotions); a program cannot be asked, so
/// those changes need a token made for them, and making one needs that confirmation in the console.
enum APITokenScope: String, Codable, CaseIterable, Sendable {
    /// Everything an integration does day to day: invitations, the directory, license keys, members, reads.
    case standard
    /// Also the sensitive changes: mail, bounce and DKIM settings, API tokens, single sign-on, webhook endpoints,
    /// the directory's LDAP connection, promoting an administrator.
    case administration

    static let choices = "must be standard or administration"

    /// A chosen scope: `standard` when none is chosen, nil for an unknown one.
    static func parse(_ text: String?) -> APITokenScope? {
        guard let text, !text.isEmpty else { return .standard }
        return APITokenScope(rawValue: text)
    }

    /// The console's and the API's `scope`, refused by name.
    static func parse(_ text: String?, field: String) throws -> APITokenScope {
        guard let scope = parse(text) else { throw ValidationProblems(["\(field): \(choices)"]) }
        return scope
    }
}

/// A Bearer token for `/api/v1`, scoped to one organization and acting as the account that created it.
final class APIToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization
    @Parent(key: "account_id") var account: Account

    @Field(key: "name") var name: String
    /// SHA-256 of the token; the token is printed once at creation.
    @Field(key: "token_hash") var tokenHash: String
    @Enum(key: "scope") var scope: APITokenScope
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
