import Fluent

/// The language a person last chose (from the invitation they accepted), for notices sent to them later
/// such as "you have been blocked".
struct UpdateAccountAddLanguage: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Account.schema).field("language", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Account.schema).deleteField("language").update()
    }
}
