import Fluent
import Foundation
import SQLKit
import Vapor

/// Records what invitees do with their links, for the dashboard's funnel.
enum InvitationTracking {
    /// Notes the first time an invitation's link was opened. Every invitee page (join, install, client) calls
    /// this on its GET once the token matched an invitation, whatever the invitation's status.
    ///
    /// It is one conditional UPDATE, so only the first open is kept and concurrent opens do not race; the open that
    /// sets it queues `invitation.opened` in the same transaction, so the event goes out once per invitation. It does
    /// not touch `updated_at` or the status: opening a link must not change the invitation (mail scanners open
    /// links too). A failure is logged and swallowed: the invitee's page matters more than the statistic.
    static func markOpened(_ invitationID: UUID, openedAt: Date?, on db: @autoclosure () -> any Database, logger: Logger, now: Date = Date()) async {
        // Already noted when the page loaded the invitation: no write (links are opened many times, by scanners too).
        guard openedAt == nil else { return }
        do {
            try await db().transaction { transaction in
                let opened = try await transaction.sql.raw("""
                    UPDATE invitations SET opened_at = \(bind: now) WHERE id = \(bind: invitationID) AND opened_at IS NULL
                    RETURNING id, organization_id, email, kind, status
                    """).all()
                try await InvitationRowEvents.emit(.invitationOpened, opened, on: transaction, now: now)
                if let row = opened.first {
                    try await InvitationHistory.record(.opened, invitationID: invitationID,
                                                       organizationID: try row.decode(column: "organization_id", as: UUID.self), on: transaction, at: now)
                }
            }
        } catch {
            logger.warning("could not record that invitation \(invitationID) was opened: \(String(reflecting: error))")
        }
    }
}
