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

    private var database: any SQLDatabase { get throws { try fluent.sql } }

    private var isPostgres: Bool { get throws { try database.dialect.name == "postgresql" } }

    /// Each claim holds its lease under a name of its own (the worker's, plus a claim number): a lane whose lease
    /// ran out and was taken over can then tell, and be told, that the messages are no longer its own.
    func claim(limit: Int, leaseDuration: TimeInterval, now: Date = Date()) async throws -> [ClaimedMessage] {
        let lock: SQLQueryString = try isPostgres ? " FOR UPDATE SKIP LOCKED" : ""
        let holder = "\(workerID)/\(UUID().uuidString.prefix(8).lowercased())"
        let rows = try await database.raw("""
            UPDATE outbox_messages
            SET status = 'sending', leased_by = \(bind: holder), lease_expires_at = \(bind: now.addingTimeInterval(leaseDuration)),
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
                unreadable: unreadable,
                lease: holder
            )
        }
    }

    /// Renews `holder`'s lease on `ids`; returns those it still holds (the others were taken over after it ran out).
    func renewLease(_ ids: [UUID], holder: String, leaseDuration: TimeInterval, now: Date = Date()) async throws -> Set<UUID> {
        var held = Set<UUID>()
        for chunk in ids.chunked(500) {
            let rows = try await database.raw("""
                UPDATE outbox_messages SET lease_expires_at = \(bind: now.addingTimeInterval(leaseDuration))
                WHERE id IN (\(binds: Array(chunk)))\(Self.heldBy(holder))
                RETURNING id
                """).all()
            for row in rows { held.insert(try row.decode(column: "id", as: UUID.self)) }
        }
        return held
    }

    /// Records a batch's outcomes in one transaction: sent rows in one statement, the rare failures one by one.
    /// A sent row keeps `leased_by`: which worker sent it, for an operator checking how several instances share work.
    func record(_ outcomes: [(ClaimedMessage, DeliveryOutcome)], policy: RetryPolicy, now: Date = Date()) async throws {
        guard !outcomes.isEmpty else { return }
        // Sent rows in one statement per claim: the fence names one lease holder.
        let sentByLease = Dictionary(grouping: outcomes.filter { $0.1.isSent }.map(\.0), by: \.lease)
        let replies = Dictionary(outcomes.compactMap { message, outcome in outcome.reply.map { (message.id, $0) } }, uniquingKeysWith: { first, _ in first })
        try await fluent.transaction { transaction in
            let db = try transaction.sql
            let lookup = WebhookListenerLookup()
            for (lease, messages) in sentByLease {
                for chunk in messages.map(\.id).chunked(500) {
                    // The rows returned are the ones this claim settled: each message's `invitation.delivered` once.
                    let settled = try SettledInvitationMessage.decode(try await db.raw("""
                        UPDATE outbox_messages SET status = 'sent', sent_at = \(bind: now), lease_expires_at = NULL,
                            last_error = NULL, updated_at = \(bind: now)
                        WHERE id IN (\(binds: Array(chunk)))\(Self.heldBy(lease))
                        RETURNING id, invitation_id, organization_id
                        """).all())
                    // Test emails and alerts belong to no invitation: nothing more to write for them.
                    guard !settled.isEmpty else { continue }
                    // The invitations of exactly the messages settled here (a message another claim settled was its
                    // claim's to record), by primary key.
                    let firstSent = try await db.raw("""
                        UPDATE invitations SET sent_at = \(bind: now), updated_at = \(bind: now)
                        WHERE sent_at IS NULL AND id IN (\(binds: Array(Set(settled.map(\.invitationID)))))
                        RETURNING id, organization_id, email, kind, status
                        """).all()
                    try await InvitationRowEvents.emit(.invitationSent, firstSent, on: transaction, now: now, lookup: lookup)
                    try await InvitationRowEvents.emitDelivered(settled, replies: replies, on: transaction, now: now, lookup: lookup)
                    try await InvitationHistory.recordSent(settled, replies: replies, on: db, at: now)
                }
            }
            for (message, outcome) in outcomes {
                let (status, nextAttempt, reason) = policy.settle(message, outcome, now: now)
                guard status != .sent else { continue }
                let fenced = try await db.raw("""
                    UPDATE outbox_messages SET status = \(bind: status), next_attempt_at = \(bind: nextAttempt),
                        last_error = \(bind: reason), lease_expires_at = NULL, leased_by = NULL, updated_at = \(bind: now)
                    WHERE id = \(bind: message.id)\(Self.heldBy(message.lease))
                    RETURNING id
                    """).all().isEmpty
                guard !fenced else { continue }
                try await InvitationHistory.recordForMessages(status == .deferred ? .deferred : .failed, messageIDs: [message.id],
                                                              detail: reason, on: db, at: now)
            }
        }
    }
}

extension OutboxClaim {
    /// `status` in a form no index applies to (see `heldBy`); the same in SQLite and PostgreSQL.
    static let unindexedStatus: SQLQueryString = "(status || '')"

    /// Fences a recording, in the statement that writes the outcome: it counts only while its claim still holds the
    /// message. A lane whose lease ran out and was taken over records nothing; the new holder's outcome stands. A
    /// message without a lease (not an outbox row) matches nothing: `leased_by = NULL` is never true.
    ///
    /// The status is compared as an expression, not as the column: the statement names its rows by id, but with the
    /// bare column SQLite's planner chose the status index instead and read every row of that status. For 'sent',
    /// which grows with every message, recording a slice got slower with each one (Benchmarks/smtp-throughput fell
    /// from 0.35 to 0.17 of smtp-source).
    static func heldBy(_ lease: String?) -> SQLQueryString {
        " AND \(unindexedStatus) = 'sending' AND leased_by = \(bind: lease)"
    }
}

extension Array {
    package func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
