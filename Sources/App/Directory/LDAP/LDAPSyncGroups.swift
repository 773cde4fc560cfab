import Fluent
import Foundation
import SQLKit

/// The group half of a sync, after every user is written: groups matched by their stable id, then each group's
/// members (users and groups, by DN) set to what the directory says. Groups inside groups are kept as edges, cycles
/// included: `DirectoryGraph` expands them and stops on a cycle. Members outside the sync's base DNs and filters are
/// not Herald's to know and are left out. Groups gone from the directory are deleted with their edges: unlike
/// people, they carry no history of their own.
///
/// The groups' edges are read a statement per 200 groups (`StoredGroupEdges`) and compared in memory; new groups
/// and edges are written in multi-row statements: a query per group made 2,000 groups cost more than 100,000
/// people (BENCHMARKS.md).
struct LDAPSyncGroups {
    let organizationID: UUID
    let now: Date
    /// Edges written per transaction, so that another organization's write waits for at most one of them.
    static let edgesPerTransaction = 10_000

    func write(_ groups: [SyncedGroup], users: LDAPSyncUsers.Seen, report: DirectorySyncRun, on db: any Database) async throws -> [SkippedEntry] {
        var skipped: [SkippedEntry] = []
        var names = Set<String>()
        let unique = groups.filter { group in
            guard names.insert(group.name.lowercased()).inserted else {
                skipped.append(SkippedEntry(dn: group.dn, reason: "has the name \(group.name) of another group"))
                return false
            }
            return true
        }
        let existing = try await DirectoryGroup.query(on: db).filter(\.$organization.$id == organizationID).all()
        let records = try matchRecords(unique, existing: existing)
        try await db.transaction { db in
            for chunk in records.created.chunked(500) { try await BulkInsert.syncedDirectoryGroups(Array(chunk), on: db, now: now) }
            for record in records.renamed { try await record.save(on: db) }
        }
        let membersChanged = try await writeEdges(records.written, isNew: records.added, users: users.byDN, groups: records.byDN, on: db)
        // A change of members is a change of the group (its SCIM ETag); a group new or renamed is already counted.
        let bumped = membersChanged.subtracting(records.added).subtracting(records.renamed.compactMap(\.id))
        for chunk in Array(bumped).chunked(500) {
            try await db.sql.update(DirectoryGroup.schema).set("version", to: SQLRaw("version + 1")).where("id", .in, Array(chunk)).run()
        }
        report.groupsAdded += records.added.count
        report.groupsUpdated += records.renamed.count + bumped.count
        try await removeGone(existing, kept: Set(records.written.map(\.id)), report: report, on: db)
        return skipped
    }

    private struct Records {
        var written: [(group: SyncedGroup, id: UUID)] = []
        var byDN: [String: UUID] = [:]
        var created: [DirectoryGroup] = []
        var added = Set<UUID>()
        /// Existing groups whose name, source or id changed (adopted from a hand-made group of the same name).
        var renamed: [DirectoryGroup] = []
    }

    private func matchRecords(_ groups: [SyncedGroup], existing: [DirectoryGroup]) throws -> Records {
        let byExternalID = Dictionary(existing.compactMap { group in group.externalID.map { ($0, group) } }, uniquingKeysWith: { first, _ in first })
        let byName = Dictionary(existing.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        var records = Records()
        for group in groups {
            let id: UUID
            if let record = byExternalID[group.externalID] ?? byName[group.name.lowercased()] {
                id = try record.requireID()
                if record.name != group.name || record.source != .ldap || record.externalID != group.externalID {
                    record.name = group.name
                    record.source = .ldap
                    record.externalID = group.externalID
                    record.version += 1
                    records.renamed.append(record)
                }
            } else {
                let created = DirectoryGroup()
                id = UUID.timeOrdered(now: now)
                created.id = id
                created.$organization.id = organizationID
                created.name = group.name
                created.source = .ldap
                created.externalID = group.externalID
                records.created.append(created)
                records.added.insert(id)
            }
            records.byDN[DistinguishedName.key(group.dn)] = id
            records.written.append((group, id))
        }
        return records
    }

    /// Adds and removes only the edges that changed, so an unchanged directory writes nothing; returns the groups
    /// whose members changed.
    private func writeEdges(_ written: [(group: SyncedGroup, id: UUID)], isNew: Set<UUID>, users: [String: UUID], groups: [String: UUID],
                            on db: any Database) async throws -> Set<UUID> {
        // New groups have no edges yet: only the groups that were there before are read.
        var have = try await StoredGroupEdges.load(groups: written.map(\.id).filter { !isNew.contains($0) }, on: db)
        var stale: [UUID] = [], fresh: [BulkInsert.GroupEdge] = [], changed = Set<UUID>()
        for (group, groupID) in written {
            var want = Set<BulkInsert.GroupEdge>()
            for dn in group.memberDNs {
                let key = DistinguishedName.key(dn)
                if let user = users[key] {
                    want.insert(.init(group: groupID, user: user))
                } else if let member = groups[key], member != groupID {
                    want.insert(.init(group: groupID, memberGroup: member))
                }
            }
            var kept = Set<BulkInsert.GroupEdge>(), staleHere = 0
            for (edgeID, edge) in have.removeValue(forKey: groupID) ?? [] {
                if want.contains(edge), kept.insert(edge).inserted { continue }
                stale.append(edgeID)
                staleHere += 1
            }
            let added = want.subtracting(kept)
            fresh += added
            if !added.isEmpty || staleHere > 0 { changed.insert(groupID) }
        }
        for chunk in stale.chunked(500) {
            try await db.transaction { db in try await db.sql.delete(from: DirectoryGroupMember.schema).where("id", .in, Array(chunk)).run() }
        }
        for chunk in fresh.chunked(Self.edgesPerTransaction) {
            try await db.transaction { db in
                try await BulkInsert.prepareConnection(db)
                try await BulkInsert.directoryGroupEdges(Array(chunk), on: db)
            }
        }
        return changed
    }

    private func removeGone(_ existing: [DirectoryGroup], kept: Set<UUID>, report: DirectorySyncRun, on db: any Database) async throws {
        let gone = try existing.filter { $0.source == .ldap }.map { try $0.requireID() }.filter { !kept.contains($0) }
        for chunk in gone.chunked(200) {
            try await db.transaction { db in
                try await DirectoryGroupMember.query(on: db).group(.or) { $0.filter(\.$group.$id ~~ chunk).filter(\.$memberGroup.$id ~~ chunk) }.delete()
                try await DirectoryGroup.query(on: db).filter(\.$id ~~ chunk).delete()
            }
            report.groupsRemoved += chunk.count
        }
    }
}
