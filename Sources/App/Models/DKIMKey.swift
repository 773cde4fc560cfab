import DKIM
import Fluent
import Foundation

/// What the `status` column of `dkim_keys` holds: a key's place in a rotation (README, "DNS records").
enum DKIMKeyStatus: String, Codable, Sendable, CaseIterable {
    /// Generated, its record to be published; nothing is signed with it yet.
    case pending
    /// Signs every message from its domain; one per organization and domain.
    case active
    /// Replaced or withdrawn: signs nothing. Its record stays useful until mail signed with it has been delivered.
    case retired
}

/// A DKIM key of an organization for one sending domain. The private half is stored only sealed with the server's
/// `SecretBox`, like SMTP passwords.
package final class DKIMKey: Model, @unchecked Sendable {
    package static let schema = "dkim_keys"

    @ID(key: .id) package var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    /// Lowercase ASCII (A-labels for an internationalized domain): the `d=` tag.
    @Field(key: "domain") var domain: String
    @Field(key: "selector") var selector: String
    @Field(key: "algorithm") var algorithm: DKIMAlgorithm
    /// The `p=` value of the DNS record.
    @Field(key: "public_key") var publicKey: String
    @Field(key: "private_key_ciphertext") var privateKeyCiphertext: String
    @Field(key: "status") var status: DKIMKeyStatus
    /// The selector while the key is pending or active, nil once retired: unique per organization and domain, so
    /// two live keys never share a DNS name (NULLs are distinct in a unique index on SQLite and PostgreSQL alike).
    @OptionalField(key: "live_selector") var liveSelector: String?
    /// The domain while the key is active, else nil: unique per organization, so a domain has one signing key
    /// even when two administrators activate keys at the same moment.
    @OptionalField(key: "active_domain") var activeDomain: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @OptionalField(key: "activated_at") var activatedAt: Date?
    @OptionalField(key: "retired_at") var retiredAt: Date?

    package init() {}

    /// Where the record is published (RFC 6376 3.6.2.1).
    var dnsName: String { "\(selector)._domainkey.\(domain)" }
    var dnsRecord: String { "v=DKIM1; k=\(algorithm.keyType); p=\(publicKey)" }
}
