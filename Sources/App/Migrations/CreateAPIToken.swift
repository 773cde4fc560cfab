import Fluent

struct CreateAPIToken: AsyncMigration {
    static let uniqueTokenHash = "uq_api_tokens_token_hash"

    func prepare(on database: any Database) async throws {
        try await database.schema(APIToken.schema)
            .organizationTokenColumns(uniqueTokenHash: Self.uniqueTokenHash) {
                $0.field("account_id", .uuid, .required, .references(Account.schema, .id, onDelete: .cascade))
            }
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(APIToken.schema).delete()
    }
}
