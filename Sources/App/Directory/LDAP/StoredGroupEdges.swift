import Fluent
import Foundation
import SQLKit

/// Every edge of an organization's group graph, read in one statement as plain rows, by group.
enum StoredGroupEdges {
    static func load(organizationID: UUID, on db: any Database) async throws -> [UUID: [(id: UUID, edge: BulkInsert.GroupEdge)]] {
        var byGroup: [UUID: [(id: UUID, edge: BulkInsert.GroupEdge)]] = [:]
        let query = try db.sql.select().column(SQLColumn("id", table: "m")).column(SQLColumn("group_id", table: "m"))
            .column(SQLColumn("user_id", table: "m")).column(SQLColumn("member_group_id", table: "m"))
            .from(SQLAlias(SQLIdentifier(DirectoryGroupMember.schema), as: SQLIdentifier("m")))
            .join(SQLAlias(SQLIdentifier(DirectoryGroup.schema), as: SQLIdentifier("g")), method: SQLJoinMethod.inner,
                  on: SQLColumn("id", table: "g"), .equal, SQLColumn("group_id", table: "m"))
            .where(SQLColumn("organization_id", table: "g"), .equal, SQLBind(organizationID))
        for row in try await query.all() {
            let group = try row.decode(column: "group_id", as: UUID.self)
            let edge = BulkInsert.GroupEdge(group: group, user: try row.decode(column: "user_id", as: UUID?.self),
                                            memberGroup: try row.decode(column: "member_group_id", as: UUID?.self))
            byGroup[group, default: []].append((try row.decode(column: "id", as: UUID.self), edge))
        }
        return byGroup
    }
}
