import Fluent
import Foundation
import HeraldCore

/// One invitation of any kind to one person. Kind-specific details live in `payload` (JSON) so that the
/// three kinds share the list, the lifecycle and the outbox without three near-identical tables.
final class Invitation: Model, @unchecked Sendable {
    static let schema = "invitations"

    @ID(key: .id) var id: UUID?

    @Parent(key: "organization_id") var organization: Organization
    @OptionalParent(key: "inviter_id") var inviter: Account?
    @OptionalField(key: "batch_id") var batchID: UUID?

    @Field(key: "kind") var kind: InvitationKind
    @Field(key: "email") var email: String
    @OptionalField(key: "name") var name: String?
    @Field(key: "language") var language: String
    @Field(key: "status") var status: InvitationStatus
    /// SHA-256 of the link token: the token itself exists only in the email.
    @OptionalField(key: "token_hash") var tokenHash: String?
    @OptionalField(key: "role_on_accept") var roleOnAccept: MembershipRole?
    @OptionalField(key: "message") var message: String?
    @OptionalField(key: "payload") var payload: String?

    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?
    @OptionalField(key: "accepted_at") var acceptedAt: Date?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    /// The first GET of the invitation's link. Mail scanners that follow links set it too, so the dashboard's
    /// "opened" count is an upper bound on people who looked.
    @OptionalField(key: "opened_at") var openedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}
}
