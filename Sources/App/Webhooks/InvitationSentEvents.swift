import Fluent
import Foundation
import SQLKit

/// `invitation.sent`: queued in the transaction that records the first successful send of an invitation's email,
/// so an invitation is announced once however often it is resent.
enum InvitationSentEvents {
    static func emit(_ rows: [any SQLRow], on db: any Database, now: Date) async throws {
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
            let listeners = try await WebhookEvents.listeners(organizationID: organizationID, on: db)
            guard listeners.endpoints.contains(where: { $0.accepts(.invitationSent) }) else { continue }
            for invitation in invitations {
                try await listeners.emit(.invitationSent, on: db, now: now) { invitation }
            }
        }
    }
}
