import Fluent

struct CreateActivationCode: AsyncMigration {
    static let uniqueCodeHash = "uq_activation_codes_code_hash"

    func prepare(on database: any Database) async throws {
        try await database.schema(ActivationCodeRecord.schema)
            .id()
            .field("invitation_id", .uuid, .required, .references(Invitation.schema, .id, onDelete: .cascade))
            .field("license_key_id", .uuid, .required, .references(LicenseKey.schema, .id, onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("status", .string, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .field("created_at", .datetime)
            .unique(on: "code_hash", name: Self.uniqueCodeHash)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ActivationCodeRecord.schema).delete()
    }
}
