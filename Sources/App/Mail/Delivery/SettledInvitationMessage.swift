import Foundation
import SQLKit

/// An outbox message of an invitation that a claim has just recorded as sent: the rows its fenced `UPDATE ...
/// RETURNING id, invitation_id, organization_id` gave back. History and webhooks are written for exactly these.
struct SettledInvitationMessage: Sendable {
    let messageID: UUID
    let invitationID: UUID
    let organizationID: UUID

    /// The returned rows that belong to an invitation (a test email or an alert has none).
    static func decode(_ rows: [any SQLRow]) throws -> [SettledInvitationMessage] {
        try rows.compactMap { row in
            guard let invitationID = try row.decode(column: "invitation_id", as: UUID?.self),
                  let organizationID = try row.decode(column: "organization_id", as: UUID?.self) else { return nil }
            return SettledInvitationMessage(messageID: try row.decode(column: "id", as: UUID.self),
                                            invitationID: invitationID, organizationID: organizationID)
        }
    }
}
