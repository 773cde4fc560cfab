import Fluent
import Foundation
import SQLKit

/// A delivery as a worker holds it after claiming it.
struct ClaimedWebhook: Sendable {
    let id: UUID
    let endpointID: UUID
    let eventID: String
    let payload: String
    let attempts: Int
    let createdAt: Date
}

/// Claiming and settling webhook deliveries, shaped like the mail outbox's `OutboxClaim`: one statement claims a
/// batch (`FOR UPDATE SKIP LOCKED` on PostgreSQL so instances take disjoint rows; SQLite's write lock makes the single
/// `UPDATE ... RETURNING` atomic), and an outcome is written only while the claim still holds the row, so a worker
/// whose lease ran out and was taken over records nothing.
struct WebhookClaim {
    let fluent: any Database
    let holder: String

    func claim(limit: Int, leaseDuration: TimeInterval, now: Date = Date()) async throws -> [ClaimedWebhook] {
        let sql = try fluent.sql
        let lock: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        let rows = try await sql.raw("""
            UPDATE webhook_deliveries
            SET status = 'sending', leased_by = \(bind: holder), lease_expires_at = \(bind: now.addingTimeInterval(leaseDuration)),
                attempts = attempts + 1, updated_at = \(bind: now)
            WHERE id IN (
                SELECT id FROM webhook_deliveries
                WHERE ((status IN ('queued', 'deferred') AND next_attempt_at <= \(bind: now))
                    OR (status = 'sending' AND lease_expires_at < \(bind: now)))
                  AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE enabled = \(bind: true))
                ORDER BY next_attempt_at
                LIMIT \(bind: limit)\(lock)
            )
            RETURNING id, endpoint_id, event_id, payload, attempts, created_at
            """).all()
        return try rows.map { row in
            ClaimedWebhook(
                id: try row.decode(column: "id", as: UUID.self), endpointID: try row.decode(column: "endpoint_id", as: UUID.self),
                eventID: try row.decode(column: "event_id", as: String.self), payload: try row.decode(column: "payload", as: String.self),
                attempts: try row.decode(column: "attempts", as: Int.self), createdAt: try row.decode(column: "created_at", as: Date?.self) ?? now
            )
        }
    }

    /// Writes one attempt's outcome; false when the claim no longer holds the row.
    func record(_ delivery: ClaimedWebhook, _ attempt: WebhookAttempt, status: WebhookDeliveryStatus, nextAttempt: Date,
                on db: any SQLDatabase, now: Date = Date()) async throws -> Bool {
        let rows = try await db.raw("""
            UPDATE webhook_deliveries
            SET status = \(bind: status.rawValue), next_attempt_at = \(bind: nextAttempt), lease_expires_at = NULL,
                response_status = \(bind: attempt.statusCode), latency_ms = \(bind: attempt.latencyMilliseconds),
                response_excerpt = \(bind: attempt.excerpt), last_error = \(bind: attempt.error),
                delivered_at = \(bind: status == .delivered ? now : nil), updated_at = \(bind: now)
            WHERE id = \(bind: delivery.id) AND (status || '') = 'sending' AND leased_by = \(bind: holder)
            RETURNING id
            """).all()
        return !rows.isEmpty
    }
}
