import Fluent

struct CreateSupersededLink: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SupersededLink.schema)
            .field("token_hash", .string, .identifier(auto: false))
            .field("invitation_id", .uuid, .required, .references(Invitation.schema, .id, onDelete: .cascade))
            .field("superseded_at", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SupersededLink.schema).delete()
    }
}
