import Fluent
import HeraldCore
import SQLKit

/// Seat leases (#20): each key's seat mode, heartbeat window and limit on deactivations from the client; each
/// installation's last check-in and whether the computer itself freed its seat (what that limit counts).
struct UpdateLicenseKeyAddSeatLeases: AsyncMigration {
    static let lastSeenIndex = "ix_installations_license_key_status_last_seen"

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite's ALTER TABLE adds one at a time. Existing keys stay node-locked.
        try await database.schema(LicenseKey.schema)
            .field("seat_mode", .string, .required, .sql(.default(SeatMode.nodeLocked.rawValue))).update()
        try await database.schema(LicenseKey.schema).field("lease_window_days", .int).update()
        try await database.schema(LicenseKey.schema)
            .field("deactivations_per_month", .int, .required, .sql(.default(SeatLease.defaultDeactivationsPerMonth))).update()
        try await database.schema(Installation.schema).field("last_seen_at", .datetime).update()
        try await database.schema(Installation.schema).field("deactivated_by_client", .bool).update()
        let sql = try database.sql
        // Activation was the last time an existing installation was seen.
        try await sql.raw("UPDATE \(ident: Installation.schema) SET last_seen_at = activated_at").run()
        // The lease sweep asks per key for active installations last seen before a cutoff.
        try await sql.create(index: Self.lastSeenIndex).on(Installation.schema)
            .column("license_key_id").column("status").column("last_seen_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: Self.lastSeenIndex).run()
        for field in ["deactivated_by_client", "last_seen_at"] {
            try await database.schema(Installation.schema).deleteField(.string(field)).update()
        }
        for field in ["deactivations_per_month", "lease_window_days", "seat_mode"] {
            try await database.schema(LicenseKey.schema).deleteField(.string(field)).update()
        }
    }
}
