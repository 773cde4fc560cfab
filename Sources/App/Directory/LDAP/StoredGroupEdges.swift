import Fluent
import Foundation
import SQLKit

/// The edges of a set of groups, read as plain rows, by group: a statement per 200 groups rather than one per
/// group (2,000 groups made that the slowest part of an unchanged sync) or one for all (100,000 rows held at once
/// as driver rows added 70 MB to the sync's peak).
enum StoredGroupEdges {
    typealias Stored = (id: UUID, edge: BulkInsert.GroupEdge)

    static func load(groups: [UUID], on db: any Database) async throws -> [UUID: [Stored]] {
        var byGroup: [UUID: [Stored]] = [:]
        for chunk in groups.chunked(200) {
            let rows = try await db.sql.select().column("id").column("group_id").column("user_id").column("member_group_id")
                .from(DirectoryGroupMember.schema).where("group_id", .in, Array(chunk)).all()
            for row in rows {
                let group = try row.decodeUUID(column: "group_id")
                let edge = BulkInsert.GroupEdge(group: group, user: try row.decodeUUIDIfPresent(column: "user_id"),
                                                memberGroup: try row.decodeUUIDIfPresent(column: "member_group_id"))
                byGroup[group, default: []].append((try row.decodeUUID(column: "id"), edge))
            }
        }
        return byGroup
    }
}
