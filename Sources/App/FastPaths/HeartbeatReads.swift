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
struct HeartbeatReads: Sendable {
    /// Ids per statement: one bound parameter each.
    static let largestBatch = 500

    private let calls: GroupedCalls<UUID, (any SQLRow)?>

    /// `selection`: `SELECT … WHERE n.id`, selecting `n.id` among its columns: the statement the plain path ends
    /// with `= $1`.
    init(database: any Database, selection: String) {
        calls = GroupedCalls(largestGroup: Self.largestBatch) { ids in
            let binds: [any Encodable & Sendable] = ids
            var rows: [UUID: any SQLRow] = [:]
            for row in try await database.sql.raw("\(unsafeRaw: selection) IN (\(binds: binds))").all() {
                rows[try row.decodeUUID(column: "id")] = row
            }
            return ids.map { rows[$0] }
        }
    }

    /// The installation's row, or nil if there is none.
    func row(installationID: UUID) async throws -> (any SQLRow)? {
        try await calls.call(installationID)
    }
}
