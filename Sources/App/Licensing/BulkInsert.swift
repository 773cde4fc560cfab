import Fluent
import Foundation
import SQLKit

/// Multi-row INSERTs through SQLKit for the bulk-invitation path. Fluent's `[Model].create` spends most of its
/// time turning property wrappers into values (measured: 20,000 plain rows took 2.6 s); binding the same Swift
/// values directly stores exactly what Fluent would, several times faster. Rows are still built as models, so
/// the column names below stay next to the fields they come from.
enum BulkInsert {
    typealias Value = any Encodable & Sendable

    static func invitations(_ rows: [Invitation], on db: any Database, now: Date) async throws {
        try await insert(Invitation.schema, [
            "id", "organization_id", "inviter_id", "batch_id", "kind", "email", "language", "status", "token_hash", "payload",
            "expires_at", "sent_at", "created_at", "updated_at",
        ], rows.map { row -> [Value] in
            [row.id!, row.$organization.id, row.$inviter.id, row.batchID, row.kind, row.email, row.language, row.status,
             row.tokenHash, row.payload, row.expiresAt, row.sentAt, now, now]
        }, on: db)
    }

    static func activationCodes(_ rows: [ActivationCodeRecord], on db: any Database, now: Date) async throws {
        try await insert(ActivationCodeRecord.schema, [
            "id", "invitation_id", "license_key_id", "code_hash", "status", "expires_at", "created_at",
        ], rows.map { row -> [Value] in
            [row.id!, row.$invitation.id, row.$licenseKey.id, row.codeHash, row.status, row.expiresAt, now]
        }, on: db)
    }

    static func outboxMessages(_ rows: [OutboxMessage], on db: any Database, now: Date) async throws {
        try await insert(OutboxMessage.schema, [
            "id", "organization_id", "invitation_id", "batch_id", "status", "mail_from", "recipients", "message_id", "subject",
            "raw", "attempts", "next_attempt_at", "created_at", "updated_at",
        ], rows.map { row -> [Value] in
            [row.id!, row.$organization.id, row.$invitation.id, row.batchID, row.status, row.mailFrom, row.recipients,
             row.messageID, row.subject, row.raw, row.attempts, row.nextAttemptAt, now, now]
        }, on: db)
    }

    /// The random token and code hashes land all over their unique indexes. With SQLite's default 2 MB page
    /// cache, 100,000 of them make it spill dirty index pages to the WAL again and again within one transaction;
    /// 16 MB holds most of the indexes of a 100,000-person batch. Per connection, and only ever raised.
    ///
    /// (Tried and left out: `temp_store = MEMORY`, which keeps each multi-row INSERT's statement journal off disk.
    /// It saved nothing measurable in time and its churn of small buffers grew peak memory with the batch size:
    /// 86 → 99 MB for 10,000 → 100,000 people without it, 92 → 119 MB with it.)
    static func prepareConnection(_ db: any Database) async throws {
        let sql = db as! any SQLDatabase
        if sql.dialect.name == "sqlite" { try await sql.raw("PRAGMA cache_size = -16384").run() }
    }

    /// 500 rows × 14 columns stays under SQLite's 32,766 bound parameters and PostgreSQL's 65,535.
    private static func insert(_ table: String, _ columns: [String], _ rows: [[Value]], on db: any Database) async throws {
        let sql = db as! any SQLDatabase
        for chunk in rows.chunked(500) {
            var builder = sql.insert(into: table).columns(columns)
            for row in chunk { builder = builder.values(row.map { SQLBind($0) as any SQLExpression }) }
            try await builder.run()
        }
    }
}
