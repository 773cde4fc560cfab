import Fluent

struct CreateSetupToken: AsyncMigration {
    static let uniqueTokenHash = "uq_setup_tokens_token_hash"

    func prepare(on database: any Database) async throws {
        try await database.schema(SetupToken.schema)
            .id()
            .field("token_hash", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "token_hash", name: Self.uniqueTokenHash)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SetupToken.schema).delete()
    }
}
