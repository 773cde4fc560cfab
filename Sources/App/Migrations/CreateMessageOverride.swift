import Fluent

struct CreateMessageOverride: AsyncMigration {
    static let uniqueEntry = "uq_message_overrides_entry"

    func prepare(on database: any Database) async throws {
        try await database.schema(MessageOverride.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("language", .string, .required)
            .field("key", .string, .required)
            .field("value", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organization_id", "language", "key", name: Self.uniqueEntry)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MessageOverride.schema).delete()
    }
}
