import Fluent
import Foundation
import SQLKit

/// Claiming and settling outbox messages in batches: one statement to claim many, one to record many.
///
/// Why this shape (see PERFORMANCE.md): per-message transactions are what makes mailers slow, and a claim
/// that reads then updates without a lock sends messages twice. PostgreSQL gets `FOR UPDATE SKIP LOCKED`,
/// so concurrent workers take disjoint rows without waiting on each other; SQLite runs the single
/// `UPDATE ... RETURNING` under its database write lock, which makes it atomic as it stands.
struct OutboxClaim {
    let fluent: any Database
    let workerID: String
    /// `nil` only in tests of the claim itself, whose rows are not read as mail.
    let sealer: OutboxSealer?

    init(database: any Database, workerID: String, sealer: OutboxSealer? = nil) {
        self.fluent = database
        self.workerID = workerID
        self.sealer = sealer
    }

    private var database: any SQLDatabase { fluent as! any SQLDatabase }

    private var isPostgres: Bool { database.dialect.name == "postgresql" }

    func claim(limit: Int, leaseDuration: TimeInterval, now: Date = Date()) async throws -> [ClaimedMessage] {
        let lock: SQLQueryString = isPostgres ? " FOR UPDATE SKIP LOCKED" : ""
        let rows = try await database.raw("""
            UPDATE outbox_messages
            SET status = 'sending', leased_by = \(bind: workerID), lease_expires_at = \(bind: now.addingTimeInterval(leaseDuration)),
                attempts = attempts + 1, updated_at = \(bind: now)
            WHERE id IN (
                SELECT id FROM outbox_messages
                WHERE (status IN ('queued', 'deferred') AND next_attempt_at <= \(bind: now))
                   OR (status = 'sending' AND lease_expires_at < \(bind: now))
                ORDER BY next_attempt_at
                LIMIT \(bind: limit)\(lock)
            )
            RETURNING id, organization_id, mail_from, recipients, raw, attempts, created_at
            """).all()
        return try rows.map { row in
            let stored = try row.decode(column: "raw", as: Data.self)
            var raw: [UInt8] = [], unreadable: String?
            do { raw = try sealer?.open(stored) ?? Array(stored) } catch { unreadable = "\(error)" }
            return ClaimedMessage(
                id: try row.decode(column: "id", as: UUID.self),
                organizationID: try row.decode(column: "organization_id", as: UUID?.self),
                mailFrom: try row.decode(column: "mail_from", as: String.self),
                recipients: try row.decode(column: "recipients", as: String.self).split(separator: ",").map(String.init),
                raw: raw,
                attempts: try row.decode(column: "attempts", as: Int.self),
                createdAt: try row.decode(column: "created_at", as: Date?.self) ?? now,
                unreadable: unreadable
            )
        }
    }

    /// Renews the lease on claimed messages not sent yet, so that a claim delivered slice by slice never outlives
    /// its lease while its worker is alive (another worker would take the rest and send it a second time).
    func renewLease(_ ids: [UUID], leaseDuration: TimeInterval, now: Date = Date()) async throws {
        for chunk in ids.chunked(500) {
            try await database.raw("""
                UPDATE outbox_messages SET lease_expires_at = \(bind: now.addingTimeInterval(leaseDuration))
                WHERE status = 'sending' AND leased_by = \(bind: workerID) AND id IN (\(binds: Array(chunk)))
                """).run()
        }
    }

    /// Records a batch's outcomes in one transaction: sent rows in one statement, the rare failures one by one.
    /// A sent row keeps `leased_by`: which worker sent it, for an operator checking how several instances share work.
    func record(_ outcomes: [(ClaimedMessage, DeliveryOutcome)], policy: RetryPolicy, now: Date = Date()) async throws {
        guard !outcomes.isEmpty else { return }
        let sent = outcomes.filter { $0.1 == .sent }.map(\.0.id)
        try await fluent.transaction { transaction in
            let db = transaction as! any SQLDatabase
            for chunk in sent.chunked(500) {
                try await db.raw("""
                    UPDATE outbox_messages SET status = 'sent', sent_at = \(bind: now), lease_expires_at = NULL,
                        last_error = NULL, updated_at = \(bind: now)
                    WHERE id IN (\(binds: Array(chunk)))
                    """).run()
                try await db.raw("""
                    UPDATE invitations SET sent_at = \(bind: now), updated_at = \(bind: now)
                    WHERE sent_at IS NULL AND id IN (SELECT invitation_id FROM outbox_messages WHERE id IN (\(binds: Array(chunk))))
                    """).run()
            }
            for (message, outcome) in outcomes {
                let (status, nextAttempt, reason) = policy.settle(message, outcome, now: now)
                guard status != .sent else { continue }
                try await db.raw("""
                    UPDATE outbox_messages SET status = \(bind: status.rawValue), next_attempt_at = \(bind: nextAttempt),
                        last_error = \(bind: reason), lease_expires_at = NULL, leased_by = NULL, updated_at = \(bind: now)
                    WHERE id = \(bind: message.id)
                    """).run()
            }
        }
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
