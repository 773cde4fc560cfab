import Foundation
import Fluent
import SQLKit

/// Runs an activation's reads and writes while no other activation of the same key can, so that counting the
/// used seats and taking one is a single step: without it, 200 simultaneous requests would all count 19 of 20.
///
/// - SQLite: `BEGIN IMMEDIATE` takes the database's write lock before the first read (a deferred transaction
///   would read first, and its later upgrade to a writer fails with SQLITE_BUSY instead of waiting).
/// - PostgreSQL: `SELECT ... FOR UPDATE` on the key's row, so activations of other keys still run in parallel.
///
/// Within one application `WriteQueue` lines them up first, so they wait without holding a connection; on SQLite in
/// the same queue as every other write transaction (one writer for the whole file).
struct SeatLock: Sendable {
    let queue: WriteQueue

    func withKeyLocked<T: Sendable>(
        _ keyID: UUID, on db: any Database, _ body: @escaping @Sendable (any Database) async throws -> T
    ) async throws -> T {
        let sql = try db.sql
        if sql.dialect.name == "sqlite" {
            // One writer for the whole file: every key shares one place in the queue.
            return try await queue.run(key: WriteQueue.sqliteFile) { try await db.withConnection { connection in
                // The connection holds the turn now: its writes go ahead instead of queuing behind it.
                let connection = (connection as? RetryingSQLiteDatabase)?.holdingTurn() ?? connection
                let conn = try connection.sql
                try await conn.raw("BEGIN IMMEDIATE").run()
                do {
                    let result = try await body(connection)
                    try await conn.raw("COMMIT").run()
                    return result
                } catch {
                    try? await conn.raw("ROLLBACK").run()
                    throw error
                }
            } }
        }
        return try await queue.run(key: keyID) {
            try await db.transaction { transaction in
                try await transaction.sql
                    .raw("SELECT id FROM \(ident: LicenseKey.schema) WHERE id = \(bind: keyID) FOR UPDATE").run()
                return try await body(transaction)
            }
        }
    }
}
