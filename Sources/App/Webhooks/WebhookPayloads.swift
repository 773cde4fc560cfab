import Foundation
import HeraldCore

/// The `data` of each event type; the OpenAPI document (components.schemas.Webhook*) describes the same fields.
/// Field names are a public contract like the type names: add, never rename.
enum WebhookPayload {
    struct Invitation: Encodable, Sendable {
        let id: UUID?
        /// join, install or client.
        let kind: String
        let email: String
        let status: String
        let expiresAt: Date?
        let batchId: UUID?

        init(_ invitation: App.Invitation, status: InvitationStatus? = nil) {
            id = invitation.id
            kind = invitation.kind.rawValue
            email = invitation.email
            self.status = (status ?? invitation.status).rawValue
            expiresAt = invitation.expiresAt
            batchId = invitation.batchID
        }

        init(id: UUID, kind: String, email: String, status: String) {
            self.id = id
            self.kind = kind
            self.email = email
            self.status = status
            self.expiresAt = nil
            self.batchId = nil
        }
    }

    /// `invitation.bounced`: the invitation as it stands after the bounce, and the bounce.
    struct InvitationBounced: Encodable, Sendable {
        struct Bounce: Encodable, Sendable {
            /// hard or soft.
            let kind: String
            let address: String
            let statusCode: String?
            /// The remote server's words, one line.
            let reason: String
            let receivedAt: Date
        }
        let id: UUID?
        let kind: String
        let email: String
        let status: String
        let expiresAt: Date?
        let batchId: UUID?
        let bounce: Bounce

        init(_ invitation: App.Invitation?, bounce: RecordedBounce) {
            id = invitation?.id ?? bounce.invitationID
            kind = invitation?.kind.rawValue ?? ""
            email = invitation?.email ?? bounce.address
            status = invitation?.status.rawValue ?? ""
            expiresAt = invitation?.expiresAt
            batchId = invitation?.batchID
            self.bounce = Bounce(kind: bounce.kind.rawValue, address: bounce.address, statusCode: bounce.statusCode,
                                 reason: bounce.reason, receivedAt: bounce.receivedAt)
        }
    }

    /// `invitation.delivered`: the invitation, and which of its messages the receiving mail server accepted with what reply.
    struct InvitationDelivered: Encodable, Sendable {
        struct Delivery: Encodable, Sendable {
            /// The outbox message: the invitation email, a resend or a reminder.
            let messageId: UUID
            /// The server's reply to the message's data, one line ("250 2.0.0 Ok: queued as 4F2A1"); nil when the
            /// operator's file transport wrote the message to its spool folder instead.
            let reply: String?
        }
        let id: UUID
        let kind: String
        let email: String
        let status: String
        let delivery: Delivery
    }

    struct Member: Encodable, Sendable {
        let membershipId: UUID?
        let accountId: UUID?
        let email: String
        let name: String
        /// administrator or member.
        let role: String
        /// active, blocked, removed or left.
        let status: String

        init(_ membership: Membership, account: Account) {
            membershipId = membership.id
            accountId = account.id
            email = account.email
            name = account.name
            role = membership.role.rawValue
            status = membership.status.rawValue
        }
    }

    struct Installation: Encodable, Sendable {
        let installationId: UUID?
        let licenseKeyId: UUID
        let status: String
        let seatsUsed: Int?
        let seats: Int?
    }

    struct ActivationRefused: Encodable, Sendable {
        let licenseKeyId: UUID
        /// Why: `seats_exhausted`.
        let reason: String
        let seats: Int
    }

    /// `seats.near_limit` and `seats.full`: the key's seats as they stood when the alert crossed.
    struct Seats: Encodable, Sendable {
        let licenseKeyId: UUID
        let seats: Int
        let seatsUsed: Int
        /// Pending install invitations that may still take a seat.
        let invited: Int
    }

    struct DirectorySync: Encodable, Sendable {
        let source: String
        let succeeded: Bool
        let summary: String
    }
}
