import Fluent
import Foundation

/// A person in the organization's directory: a recipient of remote-access client invitations. Filled by hand, CSV,
/// LDAP sync or SCIM (`source`); a person removed by an external source is kept, disabled, with `removedAt` set.
final class DirectoryUser: Model, @unchecked Sendable {
    static let schema = "directory_users"

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization

    /// What the console shows: the source's display name, else given and family name, else the user name.
    @Field(key: "name") var name: String
    @Field(key: "email") var email: String
    @Field(key: "enabled") var enabled: Bool

    @Field(key: "source") var source: DirectorySource
    /// The source's stable id (SCIM externalId, LDAP entryUUID / objectGUID).
    @OptionalField(key: "external_id") var externalID: String?
    /// SCIM userName (or the LDAP login name); unique per organization when set.
    @OptionalField(key: "user_name") var userName: String?
    /// The display name exactly as the source sent it (nil when it sent none).
    @OptionalField(key: "display_name") var displayName: String?
    @OptionalField(key: "given_name") var givenName: String?
    @OptionalField(key: "family_name") var familyName: String?
    /// The type of the email as the source labelled it ("work").
    @OptionalField(key: "email_type") var emailType: String?
    /// The email's `primary` flag as the source sent it (returned as sent, so a SCIM round trip is exact).
    @OptionalField(key: "email_primary") var emailPrimary: Bool?
    @OptionalField(key: "employee_number") var employeeNumber: String?
    @OptionalField(key: "department") var department: String?
    /// The manager's id in the source (SCIM: a user id of this directory).
    @OptionalField(key: "manager") var manager: String?
    /// Why the source disabled or removed the person ("disabled in the directory by SCIM").
    @OptionalField(key: "deactivated_reason") var deactivatedReason: String?
    @OptionalField(key: "deactivated_at") var deactivatedAt: Date?
    /// Set when the source deleted the person: hidden from SCIM, kept for the history.
    @OptionalField(key: "removed_at") var removedAt: Date?
    /// Raised on every change: the SCIM ETag.
    @Field(key: "version") var version: Int

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {
        source = .manual
        version = 1
    }
}
