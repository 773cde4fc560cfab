import Fluent
import Foundation
import SQLKit

/// Grouped reads for check-ins on PostgreSQL: the one read of a heartbeat (`InstallationCheckIn.read`: the
/// installation and its key) waits for the reads of the heartbeats arriving meanwhile, and one statement answers
/// them all (`WHERE n.id IN (…)`).
///
/// On PostgreSQL a read is a network round trip and a turn of the server's own processes, per heartbeat; a fleet
/// checking in at once made heartbeats as slow as the round trips. (SQLite reads on the calling thread instead,
/// `HotReads`.) The plain path is the one-row statement in `InstallationCheckIn.read`, used when this is off
/// (`InstallationCheckIn(groupedReads: nil)`); `HeartbeatWritesTests` runs both on PostgreSQL.
actor HeartbeatReads {
    /// Ids per statement: one bound parameter each.
    static let largestBatch = 500

    private let database: any Database
    /// `SELECT … WHERE n.id`, selecting `n.id` among its columns: the statement the plain path ends with `= $1`.
    private let selection: String
    private var waiting: [UUID: [CheckedContinuation<(any SQLRow)?, any Error>]] = [:]
    private var reading = false

    init(database: any Database, selection: String) {
        self.database = database
        self.selection = selection
    }

    /// The installation's row, or nil if there is none.
    func row(installationID: UUID) async throws -> (any SQLRow)? {
        try await withCheckedThrowingContinuation { continuation in
            waiting[installationID, default: []].append(continuation)
            guard !reading else { return }
            reading = true
            Task { await readWaiting() }
        }
    }

    /// Reads batch after batch until nobody waits. Heartbeats arriving during a read join the next batch.
    private func readWaiting() async {
        while !waiting.isEmpty {
            let ids = Array(waiting.keys.prefix(Self.largestBatch))
            let batch = ids.map { ($0, waiting.removeValue(forKey: $0) ?? []) }
            do {
                let binds: [any Encodable & Sendable] = ids
                var rows: [UUID: any SQLRow] = [:]
                for row in try await database.sql.raw("\(unsafeRaw: selection) IN (\(binds: binds))").all() {
                    rows[try row.decodeUUID(column: "id")] = row
                }
                for (id, continuations) in batch { continuations.forEach { $0.resume(returning: rows[id]) } }
            } catch {
                for (_, continuations) in batch { continuations.forEach { $0.resume(throwing: error) } }
            }
        }
        reading = false
    }
}
