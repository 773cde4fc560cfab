import Fluent

struct CreateAccount: AsyncMigration {
    static let uniqueEmail = "uq_accounts_email"

    func prepare(on database: any Database) async throws {
        try await database.schema(Account.schema)
            .id()
            .field("email", .string, .required)
            .field("name", .string, .required)
            .field("password_hash", .string, .required)
            .field("last_sign_in_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "email", name: Self.uniqueEmail)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Account.schema).delete()
    }
}
