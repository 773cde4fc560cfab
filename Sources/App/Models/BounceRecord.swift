import Fluent
import Foundation
import HeraldCore

/// One bounce as the bounce mailbox delivered it: which message and invitation it belongs to, the address, hard or
/// soft, and the remote server's own words (`BounceRecorder`).
final class BounceRecord: Model, @unchecked Sendable {
    static let schema = "bounces"

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization
    /// The outbox message that bounced; nil once that message was cleaned up.
    @OptionalField(key: "outbox_message_id") var outboxMessageID: UUID?
    @OptionalField(key: "invitation_id") var invitationID: UUID?
    @Field(key: "address") var address: String
    @Field(key: "kind") var kind: BounceKind
    /// RFC 3463, `5.1.1`; nil when the report gave none.
    @OptionalField(key: "status_code") var statusCode: String?
    /// The remote server's reason, one line, checked scalar by scalar (`SafeText`), at most 1,000 characters.
    @Field(key: "reason") var reason: String
    /// `verp` when the envelope sender named the message, `recipient` when the report's recipient and returned
    /// Message-ID did.
    @Field(key: "matched_by") var matchedBy: String
    @Field(key: "received_at") var receivedAt: Date

    init() {}
}

/// An organization's bounce handling: the VERP bounce domain and the mailbox bounces are read from (POP3). The
/// password is stored only as `SecretBox` ciphertext, like the SMTP password; the lease columns make a poll run on
/// one instance at a time (`BounceMailboxLease`).
final class BounceSettings: Model, @unchecked Sendable {
    static let schema = "bounce_settings"

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization
    /// Envelope senders become `bounces+<token>@<domain>`; nil keeps the sender address as envelope sender.
    @OptionalField(key: "bounce_domain") var bounceDomain: String?
    /// The POP3 mailbox; nil host: no polling.
    @OptionalField(key: "host") var host: String?
    @OptionalField(key: "port") var port: Int?
    /// `stls` or `tls` (POP3TLSMode).
    @Field(key: "tls_mode") var tlsMode: String
    @OptionalField(key: "username") var username: String?
    @OptionalField(key: "password_ciphertext") var passwordCiphertext: String?
    @OptionalField(key: "ca_certificate") var caCertificate: String?
    @Field(key: "poll_interval_seconds") var pollIntervalSeconds: Int
    @OptionalField(key: "next_poll_at") var nextPollAt: Date?
    @OptionalField(key: "last_poll_at") var lastPollAt: Date?
    /// What the last poll found or why it failed, for the console.
    @OptionalField(key: "last_poll_result") var lastPollResult: String?
    @OptionalField(key: "poll_lease_until") var pollLeaseUntil: Date?
    @OptionalField(key: "poll_lease_holder") var pollLeaseHolder: String?

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}
