import Fluent
import Foundation

/// A rendered message waiting for, or done with, delivery. Written in the same transaction as what caused it,
/// so a crash can never lose an invitation's email or send one for an invitation that was rolled back.
package final class OutboxMessage: Model, @unchecked Sendable {
    package static let schema = "outbox_messages"

    @ID(key: .id) package var id: UUID?

    @OptionalParent(key: "organization_id") var organization: Organization?
    @OptionalParent(key: "invitation_id") var invitation: Invitation?
    @OptionalField(key: "batch_id") var batchID: UUID?

    @Field(key: "status") package var status: OutboxStatus
    @Field(key: "mail_from") var mailFrom: String
    /// Envelope recipients, comma-separated (addresses cannot contain commas once validated).
    @Field(key: "recipients") var recipients: String
    @Field(key: "message_id") var messageID: String
    @Field(key: "subject") var subject: String
    /// The complete RFC 5322 message, CRLF line endings, not dot-stuffed.
    @Field(key: "raw") var raw: Data

    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "lease_expires_at") var leaseExpiresAt: Date?
    @OptionalField(key: "leased_by") var leasedBy: String?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "sent_at") var sentAt: Date?

    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    package init() {}
}
