import Fluent
import Foundation
import HeraldCore

/// One invitation of any kind to one person. Kind-specific details live in `payload` (JSON) so that the
/// three kinds share the list, the lifecycle and the outbox without three near-identical tables.
package final class Invitation: Model, @unchecked Sendable {
    package static let schema = "invitations"

    @ID(key: .id) package var id: UUID?

    @Parent(key: "organization_id") package var organization: Organization
    @OptionalParent(key: "inviter_id") var inviter: Account?
    @OptionalField(key: "batch_id") var batchID: UUID?

    @Field(key: "kind") package var kind: InvitationKind
    @Field(key: "email") package var email: String
    @OptionalField(key: "name") var name: String?
    @Field(key: "language") package var language: String
    @Field(key: "status") package var status: InvitationStatus
    /// SHA-256 of the link token: the token itself exists only in the email.
    @OptionalField(key: "token_hash") var tokenHash: String?
    @OptionalField(key: "role_on_accept") var roleOnAccept: MembershipRole?
    @OptionalField(key: "message") var message: String?
    @OptionalField(key: "payload") var payload: String?

    @Field(key: "expires_at") package var expiresAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?
    @OptionalField(key: "accepted_at") var acceptedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    /// The first GET of the invitation's link. Mail scanners that follow links set it too, so the dashboard's
    /// "opened" count is an upper bound on people who looked.
    @OptionalField(key: "opened_at") var openedAt: Date?
    /// When `invitation.expired` was queued for it (`InvitationExpiryAnnouncer`); nil while not announced.
    @OptionalField(key: "expiry_announced_at") var expiryAnnouncedAt: Date?
    /// When a hard bounce came back for its email, and the remote server's reason (`BounceRecorder`).
    @OptionalField(key: "bounced_at") var bouncedAt: Date?
    @OptionalField(key: "bounce_reason") var bounceReason: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    package init() {}
}
