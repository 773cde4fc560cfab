import Fluent
import SQLKit

/// Group edges were read by group, by user and by member group with no index on any of them: every group page,
/// graph and sync read the whole edge table (a sync of 2,000 groups read it 2,000 times). Neither SQLite nor
/// PostgreSQL indexes a foreign key by itself.
struct UpdateDirectoryGroupMemberAddIndexes: AsyncMigration {
    static let indexes = [("ix_directory_group_members_group", "group_id"), ("ix_directory_group_members_user", "user_id"),
                          ("ix_directory_group_members_member_group", "member_group_id")]

    func prepare(on database: any Database) async throws {
        let sql = try database.sql
        for (name, column) in Self.indexes {
            try await sql.create(index: name).on(DirectoryGroupMember.schema).column(column).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        for (name, _) in Self.indexes { try await sql.drop(index: name).run() }
    }
}
