import Fluent
import Foundation
import HeraldCore

/// An organization's LDAP / Active Directory connection and sync schedule. The bind password is stored only as
/// `SecretBox` ciphertext, like the SMTP password. The lease columns make a sync run on one instance at a time.
final class LDAPSettings: Model, @unchecked Sendable {
    static let schema = "ldap_settings"

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization

    /// `ldap://host[:port]` (StartTLS required) or `ldaps://host[:port]`.
    @Field(key: "url") var url: String
    /// Extra trusted CA certificates, as PEM text (a private Active Directory CA).
    @OptionalField(key: "ca_certificate_pem") var caCertificatePEM: String?
    @Field(key: "bind_dn") var bindDN: String
    @OptionalField(key: "password_ciphertext") var passwordCiphertext: String?
    @Field(key: "user_base_dn") var userBaseDN: String
    @Field(key: "group_base_dn") var groupBaseDN: String
    @Field(key: "preset") var preset: LDAPAttributeMapping.Preset
    @Field(key: "mapping") var mapping: LDAPAttributeMapping
    /// Minutes between scheduled syncs; 0: only when asked (console, API, `herald directory sync`).
    @Field(key: "sync_interval_minutes") var syncIntervalMinutes: Int
    @OptionalField(key: "next_sync_at") var nextSyncAt: Date?
    /// Held by the instance running a sync (`DirectorySyncLease`).
    @OptionalField(key: "sync_lease_until") var syncLeaseUntil: Date?
    @OptionalField(key: "sync_lease_holder") var syncLeaseHolder: String?

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}
