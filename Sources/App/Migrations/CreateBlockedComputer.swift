import Fluent

struct CreateBlockedComputer: AsyncMigration {
    static let uniqueFingerprint = "uq_blocked_computers_key_fingerprint"

    func prepare(on database: any Database) async throws {
        try await database.schema(BlockedComputer.schema)
            .id()
            .field("license_key_id", .uuid, .required, .references(LicenseKey.schema, .id, onDelete: .cascade))
            .field("fingerprint", .string, .required)
            .field("reason", .string)
            .field("created_at", .datetime)
            .unique(on: "license_key_id", "fingerprint", name: Self.uniqueFingerprint)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(BlockedComputer.schema).delete()
    }
}
