import Fluent
import Foundation
import SQLKit

/// The group half of a sync, after every user is written: groups matched by their stable id, then each group's
/// members (users and groups, by DN) set to what the directory says. Groups inside groups are kept as edges, cycles
/// included: `DirectoryGraph` expands them and stops on a cycle. Members outside the sync's base DNs and filters are
/// not Herald's to know and are left out. Groups gone from the directory are deleted with their edges: unlike
/// people, they carry no history of their own.
struct LDAPSyncGroups {
    let organizationID: UUID

    func write(_ groups: [SyncedGroup], users: LDAPSyncUsers.Seen, report: DirectorySyncRun, on db: any Database) async throws -> [SkippedEntry] {
        var skipped: [SkippedEntry] = []
        var byDN: [String: UUID] = [:]
        var names = Set<String>()
        var written: [(SyncedGroup, UUID)] = []
        var added = Set<UUID>(), changed = Set<UUID>()
        let existing = try await DirectoryGroup.query(on: db).filter(\.$organization.$id == organizationID).all()
        let byExternalID = Dictionary(existing.compactMap { group in group.externalID.map { ($0, group) } }, uniquingKeysWith: { first, _ in first })
        let byName = Dictionary(existing.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        let unique = groups.filter { group in
            guard names.insert(group.name.lowercased()).inserted else {
                skipped.append(SkippedEntry(dn: group.dn, reason: "has the name \(group.name) of another group"))
                return false
            }
            return true
        }
        for chunk in unique.chunked(200) {
            let results = try await db.transaction { db in
                var results: [(SyncedGroup, UUID, isNew: Bool, changed: Bool)] = []
                for group in chunk {
                    let record = byExternalID[group.externalID] ?? byName[group.name.lowercased()]
                    let (id, changed) = try await upsert(group, into: record, on: db)
                    results.append((group, id, record == nil, changed))
                }
                return results
            }
            for (group, id, isNew, wasChanged) in results {
                byDN[DistinguishedName.key(group.dn)] = id
                written.append((group, id))
                if isNew { added.insert(id) } else if wasChanged { changed.insert(id) }
            }
        }
        let groupsByDN = byDN
        for chunk in written.chunked(100) {
            let changedMembers = try await db.transaction { db in
                var ids: [UUID] = []
                for (group, id) in chunk where try await setMembers(of: id, to: group.memberDNs, users: users.byDN, groups: groupsByDN, on: db) {
                    ids.append(id)
                }
                return ids
            }
            changed.formUnion(changedMembers)
        }
        report.groupsAdded += added.count
        report.groupsUpdated += changed.subtracting(added).count
        let kept = Set(written.map(\.1))
        let gone = try existing.filter { $0.source == .ldap }.map { try $0.requireID() }.filter { !kept.contains($0) }
        for chunk in gone.chunked(200) {
            try await db.transaction { db in
                try await DirectoryGroupMember.query(on: db).group(.or) { $0.filter(\.$group.$id ~~ chunk).filter(\.$memberGroup.$id ~~ chunk) }.delete()
                try await DirectoryGroup.query(on: db).filter(\.$id ~~ chunk).delete()
            }
            report.groupsRemoved += chunk.count
        }
        return skipped
    }

    /// The group's id, and whether an existing group changed.
    private func upsert(_ group: SyncedGroup, into record: DirectoryGroup?, on db: any Database) async throws -> (UUID, Bool) {
        guard let record else {
            let created = DirectoryGroup()
            created.$organization.id = organizationID
            created.name = group.name
            created.source = .ldap
            created.externalID = group.externalID
            try await created.create(on: db)
            return (try created.requireID(), true)
        }
        guard record.name != group.name || record.source != .ldap || record.externalID != group.externalID else {
            return (try record.requireID(), false)
        }
        if record.name != group.name || record.source != .ldap || record.externalID != group.externalID {
            record.name = group.name
            record.source = .ldap
            record.externalID = group.externalID
            record.version += 1
            try await record.save(on: db)
        }
        return (try record.requireID(), true)
    }

    /// Adds and removes only the edges that changed, so an unchanged directory writes nothing; true when any did.
    private func setMembers(of groupID: UUID, to memberDNs: [String], users: [String: UUID], groups: [String: UUID],
                            on db: any Database) async throws -> Bool {
        var wantUsers = Set<UUID>(), wantGroups = Set<UUID>()
        for dn in memberDNs {
            let key = DistinguishedName.key(dn)
            if let user = users[key] { wantUsers.insert(user) } else if let group = groups[key], group != groupID { wantGroups.insert(group) }
        }
        // Plain rows, not models: an unchanged sync reads every edge of every group and writes none.
        let edges = try await db.sql.select().column("id").column("user_id").column("member_group_id")
            .from(DirectoryGroupMember.schema).where("group_id", .equal, groupID).all()
        var haveUsers = Set<UUID>(), haveGroups = Set<UUID>(), stale: [UUID] = []
        for edge in edges {
            if let user = try edge.decode(column: "user_id", as: UUID?.self), wantUsers.contains(user), haveUsers.insert(user).inserted { continue }
            if let group = try edge.decode(column: "member_group_id", as: UUID?.self), wantGroups.contains(group), haveGroups.insert(group).inserted { continue }
            stale.append(try edge.decode(column: "id", as: UUID.self))
        }
        if !stale.isEmpty { try await DirectoryGroupMember.query(on: db).filter(\.$id ~~ stale).delete() }
        var newEdges: [DirectoryGroupMember] = []
        for user in wantUsers.subtracting(haveUsers) { newEdges.append(Self.edge(groupID, user: user)) }
        for group in wantGroups.subtracting(haveGroups) { newEdges.append(Self.edge(groupID, group: group)) }
        if !newEdges.isEmpty { try await newEdges.create(on: db) }
        return !stale.isEmpty || !newEdges.isEmpty
    }

    private static func edge(_ groupID: UUID, user: UUID? = nil, group: UUID? = nil) -> DirectoryGroupMember {
        let edge = DirectoryGroupMember()
        edge.$group.id = groupID
        edge.$user.id = user
        edge.$memberGroup.id = group
        return edge
    }
}
