import Fluent
import Foundation
import SQLKit

/// The user half of a sync, a page of entries at a time: each page is written in one transaction, matched to
/// Herald's records by the stable id, else by email (a record typed by hand or imported before the organization
/// switched to LDAP is adopted, not duplicated). What a sync saw is kept as ids and DNs only, so memory grows by
/// a few dozen bytes per person, never by whole entries.
struct LDAPSyncUsers {
    let organizationID: UUID
    let deprovisioning: DirectoryDeprovisioning
    let actor: AuditActor
    let now: Date

    /// What the sync has seen so far.
    struct Seen {
        var userIDs = Set<UUID>()
        /// DN key (`DistinguishedName.key`) to user id: how group members are resolved.
        var byDN: [String: UUID] = [:]
        var emails = Set<String>()
        var userNames = Set<String>()
    }

    /// The entries of a page the sync keeps: a second entry with an email already seen is skipped, one with a user
    /// name already seen is kept without it. Runs before the page is written, so the next page can be admitted while
    /// this one is.
    func admit(_ page: [SyncedUser], seen: inout Seen, skipped: inout [SkippedEntry]) -> [SyncedUser] {
        page.compactMap { user -> SyncedUser? in
            guard seen.emails.insert(user.email).inserted else {
                skipped.append(SkippedEntry(dn: user.dn, reason: "has the email \(user.email) of another entry"))
                return nil
            }
            guard let name = user.userName, !seen.userNames.insert(name.lowercased()).inserted else { return user }
            skipped.append(SkippedEntry(dn: user.dn, reason: "has the user name \(name) of another entry; kept without it"))
            return SyncedUser(externalID: user.externalID, dn: user.dn, userName: nil, email: user.email, name: user.name, enabled: user.enabled)
        }
    }

    /// What writing a page did, for the report and for `Seen`.
    struct PageWritten: Sendable {
        var written: [(dn: String, id: UUID)] = []
        var added = 0, updated = 0, disabled = 0

        func record(into seen: inout Seen, report: DirectorySyncRun) {
            for (dn, id) in written {
                seen.userIDs.insert(id)
                seen.byDN[DistinguishedName.key(dn)] = id
            }
            report.usersAdded += added
            report.usersUpdated += updated
            report.usersDisabled += disabled
        }
    }

    /// Writes admitted entries in one transaction.
    func write(_ fresh: [SyncedUser], on db: any Database) async throws -> PageWritten {
        try await db.transaction { db in
            // The people's unique indexes take random keys (ids, emails): a small page cache re-reads them from disk.
            try await BulkInsert.prepareConnection(db)
            let existing = try await existingRecords(for: fresh, on: db)
            var result = PageWritten(), created: [BulkInsert.NewSyncedUser] = []
            for user in fresh {
                if let stored = existing.byExternalID[user.externalID] ?? existing.byEmail[user.email] {
                    // Only a record that differs is loaded as a model: an unchanged sync reads plain rows and writes nothing.
                    if stored.matches(user) { result.written.append((user.dn, stored.id)); continue }
                    guard let record = try await DirectoryUser.find(stored.id, on: db) else { continue }
                    result.written.append((user.dn, try await update(record, to: user, result: &result, on: db)))
                } else {
                    let id = UUID.timeOrdered(now: now)
                    created.append(.init(id: id, user: user))
                    result.written.append((user.dn, id))
                }
            }
            // New people in multi-row statements: a first sync of 100,000 is mostly these.
            for chunk in created.chunked(500) { try await BulkInsert.syncedDirectoryUsers(Array(chunk), organizationID: organizationID, on: db, now: now) }
            result.added = created.count
            return result
        }
    }

    private struct Existing {
        var byExternalID: [String: StoredDirectoryUser] = [:]
        var byEmail: [String: StoredDirectoryUser] = [:]
    }

    private func existingRecords(for page: [SyncedUser], on db: any Database) async throws -> Existing {
        var existing = Existing()
        guard !page.isEmpty else { return existing }
        for user in try await StoredDirectoryUser.all(organizationID: organizationID, column: "external_id", in: page.map(\.externalID), on: db)
        where user.source == .ldap {
            if let id = user.externalID { existing.byExternalID[id] = user }
        }
        // By email only for the entries their id did not find: people typed or imported before, or a new id.
        let unmatched = page.filter { existing.byExternalID[$0.externalID] == nil }.map(\.email)
        guard !unmatched.isEmpty else { return existing }
        for user in try await StoredDirectoryUser.all(organizationID: organizationID, column: "email", in: unmatched, on: db) {
            existing.byEmail[user.email] = user
        }
        return existing
    }

    /// Called for a record that differs from its entry (`StoredDirectoryUser.matches`).
    private func update(_ record: DirectoryUser, to user: SyncedUser, result: inout PageWritten, on db: any Database) async throws -> UUID {
        let wasActive = record.enabled && record.removedAt == nil
        apply(user, to: record)
        record.version += 1
        if user.enabled { record.removedAt = nil; record.deactivatedAt = nil; record.deactivatedReason = nil }
        try await record.save(on: db)
        if wasActive && !user.enabled {
            record.deactivatedAt = now
            record.deactivatedReason = "disabled in the directory"
            try await record.save(on: db)
            try await deprovisioning.apply(.disabled, to: record, source: "LDAP sync", actor: actor, on: db)
            result.disabled += 1
        } else {
            result.updated += 1
        }
        return try record.requireID()
    }

    private func apply(_ user: SyncedUser, to record: DirectoryUser) {
        record.name = user.name
        record.displayName = user.name
        record.email = user.email
        record.userName = user.userName
        record.enabled = user.enabled
        record.source = .ldap
        record.externalID = user.externalID
    }

    /// Records of this source the sync did not see: gone from the directory (or out of its base and filter).
    /// Kept with their history, disabled and marked removed; what they were invited to is revoked.
    func removeUnseen(_ seen: Seen, report: DirectorySyncRun, on db: any Database) async throws {
        // Ids only: 100,000 Fluent models held at once cost hundreds of megabytes, 100,000 one-column rows a few.
        let rows = try await db.sql.select().column("id").from(DirectoryUser.schema)
            .where("organization_id", .equal, organizationID).where("source", .equal, DirectorySource.ldap.rawValue)
            .where("removed_at", .is, SQLLiteral.null).all()
        let gone = try rows.map { try $0.decodeUUID(column: "id") }.filter { !seen.userIDs.contains($0) }
        for chunk in gone.chunked(200) {
            try await db.transaction { db in
                for user in try await DirectoryUser.query(on: db).filter(\.$id ~~ chunk).all() {
                    let wasActive = user.enabled
                    user.enabled = false
                    user.removedAt = now
                    user.deactivatedAt = user.deactivatedAt ?? now
                    user.deactivatedReason = "removed from the directory"
                    // The user name is unique among live records: a new entry may take it.
                    user.userName = nil
                    user.version += 1
                    try await user.save(on: db)
                    if wasActive { try await deprovisioning.apply(.removed, to: user, source: "LDAP sync", actor: actor, on: db) }
                    report.usersRemoved += 1
                }
            }
        }
    }
}
