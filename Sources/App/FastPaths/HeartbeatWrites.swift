import Fluent
import Foundation
import SQLKit

/// Group commit for check-ins: the one write of a heartbeat (`last_seen_at` of an active installation) waits for the
/// writes of the heartbeats arriving meanwhile, and they are written together, in one transaction.
///
/// One transaction per check-in made heartbeats as slow as commits: on SQLite every write transaction takes the file's
/// one write lock (`WriteQueue.sqliteFile`) and appends to the WAL, on PostgreSQL it is a round trip and a commit each.
/// A batch costs about one of them. The plain path is `InstallationCheckIn.recordSeenOneByOne`, used when this is
/// off (`InstallationCheckIn(writes: nil)`); `HeartbeatWritesTests` compares the two.
///
/// Nothing is answered before its batch committed, so a heartbeat told "seen at T" has T stored, as on the plain path.
struct HeartbeatWrites: Sendable {
    /// Rows per batch: each takes one bound parameter, well under SQLite's 32,766 and PostgreSQL's 65,535.
    static let largestBatch = 500

    private let calls: GroupedCalls<SeenAt, Bool>

    private struct SeenAt: Sendable {
        let installationID: UUID
        let seen: Date
    }

    init(database: any Database) {
        calls = GroupedCalls(largestGroup: Self.largestBatch) { batch in
            let active = try await Self.write(batch.map { ($0.installationID, $0.seen) }, on: database)
            return batch.map { active.contains($0.installationID) }
        }
    }

    /// Records `seen` for an active installation; false if it was not active any more (lapsed by the sweep since it
    /// was read), so the caller takes the seat back under the key's lock as for any lapsed seat.
    func recordSeen(installationID: UUID, at seen: Date) async throws -> Bool {
        try await calls.call(SeenAt(installationID: installationID, seen: seen))
    }

    /// One transaction, one statement per distinct moment (whole seconds: a batch spans one or two). Returns the ids
    /// that were active and now carry their moment.
    static func write(_ seen: [(installationID: UUID, at: Date)], on db: any Database) async throws -> Set<UUID> {
        try await db.transaction { db in
            var updated = Set<UUID>()
            for (moment, entries) in Dictionary(grouping: seen, by: \.at) {
                let ids: [any Encodable & Sendable] = entries.map(\.installationID)
                let rows = try await db.sql.raw("""
                    UPDATE \(ident: Installation.schema) SET last_seen_at = \(bind: moment)
                    WHERE id IN (\(binds: ids)) AND status = \(bind: InstallationStatus.active) RETURNING id
                    """).all()
                for row in rows { updated.insert(try row.decodeUUID(column: "id")) }
            }
            return updated
        }
    }
}
