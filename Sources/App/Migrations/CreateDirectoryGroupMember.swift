import Fluent

struct CreateDirectoryGroupMember: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DirectoryGroupMember.schema)
            .id()
            .field("group_id", .uuid, .required, .references(DirectoryGroup.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .references(DirectoryUser.schema, .id, onDelete: .cascade))
            .field("member_group_id", .uuid, .references(DirectoryGroup.schema, .id, onDelete: .cascade))
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DirectoryGroupMember.schema).delete()
    }
}
