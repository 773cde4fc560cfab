import Fluent

struct CreateSCIMToken: AsyncMigration {
    static let uniqueTokenHash = "uq_scim_tokens_token_hash"

    func prepare(on database: any Database) async throws {
        try await database.schema(SCIMToken.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash", name: Self.uniqueTokenHash)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SCIMToken.schema).delete()
    }
}
