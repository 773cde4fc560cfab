import Fluent

struct CreateDirectoryUser: AsyncMigration {
    static let uniqueEmail = "uq_directory_users_organization_email"

    func prepare(on database: any Database) async throws {
        try await database.schema(DirectoryUser.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("email", .string, .required)
            .field("enabled", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organization_id", "email", name: Self.uniqueEmail)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DirectoryUser.schema).delete()
    }
}
