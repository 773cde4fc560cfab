import Fluent
import Foundation
import HeraldCore
import SQLKit
import Vapor

/// The organization's outbox at a glance: what waits, what is retried when, what failed lately and why,
/// and the batches still being sent.
struct DeliveryHealth: Content, Equatable {
    struct Deferred: Content, Equatable {
        let to: String
        let subject: String
        let attempts: Int
        let nextAttemptAt: Date
        let lastError: String?
    }

    struct CommonFailure: Content, Equatable {
        /// The server's reply with addresses and numbers that differ per message blanked out.
        let reply: String
        let count: Int
    }

    struct Batch: Content, Equatable {
        let id: UUID
        let startedAt: Date?
        let total: Int
        let sent: Int
        let failed: Int
        /// Queued, being sent, or deferred.
        let waiting: Int
    }

    let queued: Int
    let sending: Int
    let deferred: Int
    let nextAttemptAt: Date?
    let deferredMessages: [Deferred]
    let failedLast24Hours: Int
    let commonFailures: [CommonFailure]
    let batches: [Batch]

    /// While true the dashboard reloads itself to show progress.
    var isSending: Bool { queued + sending > 0 }

    static let shownDeferred = 10
    static let shownFailures = 5
    static let replyGroups = 1_000

    static func load(organizationID: UUID, on db: any Database, now: Date = Date()) async throws -> DeliveryHealth {
        let sql = try db.sql
        // Every query here filters on a status other than 'sent' first, so the (status, next_attempt_at) index
        // keeps them off the bulk of the table, which is delivered mail.
        let waiting = try await sql.raw("""
            SELECT status, COUNT(*) AS n, MIN(next_attempt_at) AS next FROM outbox_messages
            WHERE status IN ('queued', 'sending', 'deferred') AND organization_id = \(bind: organizationID)
            GROUP BY status
            """).all()
        var counts: [OutboxStatus: Int] = [:]
        var nextAttempt: Date?
        for row in waiting {
            let status = try row.decode(column: "status", as: OutboxStatus.self)
            counts[status] = try row.decode(column: "n", as: Int.self)
            if status == .deferred { nextAttempt = try row.decode(column: "next", as: Date?.self) }
        }
        let deferred = try await OutboxMessage.query(on: db).filter(\.$organization.$id == organizationID)
            .filter(\.$status == .deferred).sort(\.$nextAttemptAt).limit(shownDeferred)
            .field(\.$recipients).field(\.$subject).field(\.$attempts).field(\.$nextAttemptAt).field(\.$lastError).all()
            .map { Deferred(to: $0.recipients, subject: $0.subject, attempts: $0.attempts, nextAttemptAt: $0.nextAttemptAt, lastError: $0.lastError) }
        let (failedCount, common) = try await failures(organizationID: organizationID, since: now.addingTimeInterval(-86_400), on: sql)
        return DeliveryHealth(
            queued: counts[.queued] ?? 0, sending: counts[.sending] ?? 0, deferred: counts[.deferred] ?? 0,
            nextAttemptAt: nextAttempt, deferredMessages: deferred, failedLast24Hours: failedCount, commonFailures: common,
            batches: try await batches(organizationID: organizationID, on: sql)
        )
    }

    /// Failures since `since`, and the most common replies among them. The database groups identical replies;
    /// `ServerReply.normalized` then merges those that differ only in the recipient's address or an id. Only the
    /// `replyGroups` largest groups are merged: when every failure names its own address (a bad list of 100,000
    /// people) the top replies are still found, without pulling every row into the app.
    private static func failures(organizationID: UUID, since: Date, on sql: any SQLDatabase) async throws -> (Int, [CommonFailure]) {
        let total = try await sql.raw("""
            SELECT COUNT(*) AS n FROM outbox_messages
            WHERE status = 'failed' AND organization_id = \(bind: organizationID) AND updated_at >= \(bind: since)
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        guard total > 0 else { return (0, []) }
        let rows = try await sql.raw("""
            SELECT last_error, COUNT(*) AS n FROM outbox_messages
            WHERE status = 'failed' AND organization_id = \(bind: organizationID) AND updated_at >= \(bind: since)
            GROUP BY last_error ORDER BY n DESC LIMIT \(unsafeRaw: String(replyGroups))
            """).all()
        var byReply: [String: Int] = [:]
        for row in rows {
            let reply = ServerReply.normalized(try row.decode(column: "last_error", as: String?.self) ?? "no reply recorded")
            byReply[reply, default: 0] += try row.decode(column: "n", as: Int.self)
        }
        let common = byReply.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(shownFailures)
            .map { CommonFailure(reply: $0.key, count: $0.value) }
        return (total, common)
    }

    /// Batches with at least one message not yet settled, with every status counted (the batch index).
    private static func batches(organizationID: UUID, on sql: any SQLDatabase) async throws -> [Batch] {
        let rows = try await sql.raw("""
            SELECT batch_id, status, COUNT(*) AS n, MIN(created_at) AS started FROM outbox_messages
            WHERE batch_id IN (SELECT DISTINCT batch_id FROM outbox_messages
                               WHERE status IN ('queued', 'sending', 'deferred') AND batch_id IS NOT NULL
                                 AND organization_id = \(bind: organizationID))
            GROUP BY batch_id, status
            """).all()
        var batches: [UUID: (started: Date?, counts: [String: Int])] = [:]
        for row in rows {
            let id = try row.decode(column: "batch_id", as: UUID.self)
            let started = try row.decode(column: "started", as: Date?.self)
            var entry = batches[id] ?? (started, [:])
            entry.started = [entry.started, started].compactMap { $0 }.min()
            entry.counts[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self)
            batches[id] = entry
        }
        return batches.map { id, entry in
            let sent = entry.counts["sent"] ?? 0, failed = entry.counts["failed"] ?? 0
            let total = entry.counts.values.reduce(0, +)
            return Batch(id: id, startedAt: entry.started, total: total, sent: sent, failed: failed, waiting: total - sent - failed)
        }.sorted { ($0.startedAt ?? .distantPast, $0.id.uuidString) < ($1.startedAt ?? .distantPast, $1.id.uuidString) }
    }
}
