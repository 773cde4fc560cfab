import Fluent
import Foundation
import HeraldCore
import Logging
import SQLKit

/// Sends `invitation.expired` to webhook endpoints once for every pending invitation whose expiry has passed, in a
/// task of its own (`herald serve`) every minute. Expiry itself is derived, not written (`InvitationStatus`): this
/// only records that it was announced (`expiry_announced_at`).
///
/// Safe with several Herald instances on one database: an invitation is marked by a conditional `UPDATE … RETURNING`
/// in the same transaction as its event, so of two rounds racing for it exactly one gets the row back (PostgreSQL
/// re-reads the condition after the other's commit; SQLite has one writer), and a round that fails marks nothing.
final class InvitationExpiryAnnouncer: Sendable {
    private let task = PeriodicTask()

    static let interval: TimeInterval = 60
    /// Invitations marked and announced per transaction, so that other writers wait for at most one batch.
    static let batchSize = 500

    /// Announces every invitation expired by `now`; returns how many.
    @discardableResult
    static func announce(now: Date, on db: any Database) async throws -> Int {
        var total = 0
        while true {
            let announced = try await db.transaction { db in try await announceBatch(now: now, on: db) }
            total += announced
            if announced < batchSize { return total }
        }
    }

    private static func announceBatch(now: Date, on db: any Database) async throws -> Int {
        let pending = InvitationStatus.pending
        let rows = try await db.sql.raw("""
            UPDATE \(ident: Invitation.schema) SET expiry_announced_at = \(bind: now)
            WHERE id IN (
                SELECT id FROM \(ident: Invitation.schema)
                WHERE status = \(bind: pending) AND expiry_announced_at IS NULL AND expires_at <= \(bind: now)
                LIMIT \(literal: batchSize))
            AND status = \(bind: pending) AND expiry_announced_at IS NULL
            RETURNING id
            """).all()
        let ids = try rows.map { try $0.decodeUUID(column: "id") }
        guard !ids.isEmpty else { return 0 }
        let invitations = try await Invitation.query(on: db).filter(\.$id ~~ ids).all()
        try await InvitationHistory.record(.expired, invitations: invitations.compactMap { invitation in invitation.id.map { ($0, invitation.$organization.id) } }, on: db, at: now)
        for (organizationID, expired) in Dictionary(grouping: invitations, by: \.$organization.id) {
            try await WebhookEvents.emit(.invitationExpired, eachOf: expired, organizationID: organizationID, status: .expired, on: db, now: now)
        }
        return ids.count
    }

    func start(clock: any WallClock, database: any Database, logger: Logger) {
        task.start(every: Self.interval, name: "invitation expiry announcements", logger: logger) {
            try await Self.announce(now: clock.now, on: database)
        }
    }

    func stop() async { await task.stop() }
}
