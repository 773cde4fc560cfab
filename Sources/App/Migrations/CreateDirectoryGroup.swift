import Fluent

struct CreateDirectoryGroup: AsyncMigration {
    static let uniqueName = "uq_directory_groups_organization_name"

    func prepare(on database: any Database) async throws {
        try await database.schema(DirectoryGroup.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "organization_id", "name", name: Self.uniqueName)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DirectoryGroup.schema).delete()
    }
}
