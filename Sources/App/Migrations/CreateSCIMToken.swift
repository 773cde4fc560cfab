import Fluent

struct CreateSCIMToken: AsyncMigration {
    static let uniqueTokenHash = "uq_scim_tokens_token_hash"

    func prepare(on database: any Database) async throws {
        try await database.schema(SCIMToken.schema)
            .organizationTokenColumns(uniqueTokenHash: Self.uniqueTokenHash)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SCIMToken.schema).delete()
    }
}
