import Fluent
import Foundation
import SQLKit

/// One sync per organization at a time, across every instance on the database: a sync first takes the lease on the
/// organization's `ldap_settings` row in one conditional UPDATE (atomic on PostgreSQL and SQLite alike), renews it
/// while it runs, and gives it back at the end. A crashed instance's lease runs out and the next sync takes it.
struct DirectorySyncLease {
    /// Longer than any pause between two renewals (one page of entries).
    static let duration: TimeInterval = 10 * 60

    let organizationID: UUID
    let holder: String

    /// True when this holder now has the lease; false when another sync holds it.
    func acquire(on db: any Database, now: Date) async throws -> Bool {
        let rows = try await db.sql.raw("""
            UPDATE ldap_settings SET sync_lease_until = \(bind: now.addingTimeInterval(Self.duration)), sync_lease_holder = \(bind: holder)
            WHERE organization_id = \(bind: organizationID) AND (sync_lease_until IS NULL OR sync_lease_until < \(bind: now))
            RETURNING id
            """).all()
        return !rows.isEmpty
    }

    /// Keeps the lease while a long sync runs; false when it was lost (taken over after running out).
    func renew(on db: any Database, now: Date) async throws -> Bool {
        let rows = try await db.sql.raw("""
            UPDATE ldap_settings SET sync_lease_until = \(bind: now.addingTimeInterval(Self.duration))
            WHERE organization_id = \(bind: organizationID) AND sync_lease_holder = \(bind: holder)
            RETURNING id
            """).all()
        return !rows.isEmpty
    }

    /// Gives the lease back and schedules the next sync.
    func release(nextSyncAt: Date?, on db: any Database) async throws {
        try await db.sql.raw("""
            UPDATE ldap_settings SET sync_lease_until = NULL, sync_lease_holder = NULL, next_sync_at = \(bind: nextSyncAt)
            WHERE organization_id = \(bind: organizationID) AND sync_lease_holder = \(bind: holder)
            """).run()
    }
}
