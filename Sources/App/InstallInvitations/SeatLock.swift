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
///
/// Every change of a key's seats runs here, so this is where `SeatAlerts` checks the key's thresholds: in the same
/// transaction, after the change, so that an alert is recorded and queued exactly when the change commits.
struct SeatLock: Sendable {
    let queue: WriteQueue
    /// Nil only where no mail can be sent (never in `herald serve`).
    var alerts: SeatAlerts? = nil

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
                    let change = SeatChange()
                    let result = try await SeatChange.$current.withValue(change) { try await body(connection) }
                    let mailed = try await afterChange(keyID, change, on: connection)
                    try await conn.raw("COMMIT").run()
                    if mailed { alerts?.mailer.wakeDelivery() }
                    return result
                } catch {
                    try? await conn.raw("ROLLBACK").run()
                    throw error
                }
            } }
        }
        let (result, mailed) = try await queue.run(key: keyID) {
            try await db.transaction { transaction in
                try await transaction.sql
                    .raw("SELECT id FROM \(ident: LicenseKey.schema) WHERE id = \(bind: keyID) FOR UPDATE").run()
                let change = SeatChange()
                let result = try await SeatChange.$current.withValue(change) { try await body(transaction) }
                return (result, try await afterChange(keyID, change, on: transaction))
            }
        }
        if mailed { alerts?.mailer.wakeDelivery() }
        return result
    }

    /// What every seat change is followed by in its transaction: the excess flags settled, the alerts checked.
    /// True when alert mail was queued.
    private func afterChange(_ keyID: UUID, _ change: SeatChange, on db: any Database) async throws -> Bool {
        try await ExcessSeats.settle(keyID: keyID, on: db)
        return try await alerts?.check(keyID: keyID, invitationsAgainstFreeSeatsUnchanged: change.invitationsAgainstFreeSeatsUnchanged, on: db) ?? false
    }
}
