import Fluent
import Foundation
import HeraldCore
import SQLKit

/// Invitation events emitted from rows a conditional UPDATE returned, so an event is queued exactly when its
/// transition is committed, once however often the statement runs:
/// - `invitation.sent` in the transaction that records the first successful send of an invitation's email;
/// - `invitation.opened` in the one that first sets `opened_at` (`InvitationTracking.markOpened`);
/// - `invitation.delivered` for each outbox message of an invitation its claim settled as sent (`OutboxClaim.record`).
enum InvitationRowEvents {
    /// `rows` hold `id`, `organization_id`, `email`, `kind` and `status` of invitations (a RETURNING clause).
    static func emit(_ type: WebhookEventType, _ rows: [any SQLRow], on db: any Database, now: Date,
                     lookup: WebhookListenerLookup = WebhookListenerLookup()) async throws {
        guard !rows.isEmpty else { return }
        var byOrganization: [UUID: [WebhookPayload.Invitation]] = [:]
        for row in rows {
            let organizationID = try row.decode(column: "organization_id", as: UUID.self)
            byOrganization[organizationID, default: []].append(WebhookPayload.Invitation(
                id: try row.decode(column: "id", as: UUID.self), kind: try row.decode(column: "kind", as: String.self),
                email: try row.decode(column: "email", as: String.self), status: try row.decode(column: "status", as: String.self)
            ))
        }
        for (organizationID, invitations) in byOrganization {
            let listeners = try await lookup.listeners(organizationID, on: db)
            guard listeners.endpoints.contains(where: { $0.accepts(type) }) else { continue }
            for invitation in invitations {
                try await listeners.emit(type, on: db, now: now) { invitation }
            }
        }
    }

    /// `invitation.delivered` for the settled outbox messages in `settled` (`id`, `invitation_id`, `organization_id`
    /// of the rows this claim set to sent); `replies` the server's reply to each message. Messages that are not an
    /// invitation's cost nothing more; an organization without a listener for the type costs its one lookup.
    static func emitDelivered(_ settled: [SettledInvitationMessage], replies: [UUID: String], on db: any Database, now: Date,
                              lookup: WebhookListenerLookup = WebhookListenerLookup()) async throws {
        let byOrganization = Dictionary(grouping: settled, by: \.organizationID)
        for (organizationID, messages) in byOrganization {
            let listeners = try await lookup.listeners(organizationID, on: db)
            guard listeners.endpoints.contains(where: { $0.accepts(.invitationDelivered) }) else { continue }
            let invitations = try await Invitation.query(on: db).filter(\.$id ~~ Set(messages.map(\.invitationID))).all()
            let byID = Dictionary(invitations.compactMap { invitation in invitation.id.map { ($0, invitation) } }, uniquingKeysWith: { first, _ in first })
            for message in messages {
                guard let invitation = byID[message.invitationID] else { continue }
                try await listeners.emit(.invitationDelivered, on: db, now: now) {
                    WebhookPayload.InvitationDelivered(
                        id: message.invitationID, kind: invitation.kind.rawValue, email: invitation.email, status: invitation.status.rawValue,
                        delivery: .init(messageId: message.messageID, reply: replies[message.messageID].map(Self.oneLine)))
                }
            }
        }
    }

    /// A remote server's words as one line of printable text, bounded like the invitation history's details.
    static func oneLine(_ reply: String) -> String {
        String(SafeText.scrubbed(reply).prefix(InvitationHistory.maximumDetailLength))
    }
}
