import Fluent

/// DKIM keys per organization and sending domain (issue 18).
struct CreateDKIMKey: AsyncMigration {
    static let uniqueLiveSelector = "uq_dkim_keys_live_selector"
    static let uniqueActiveDomain = "uq_dkim_keys_active_domain"

    func prepare(on database: any Database) async throws {
        try await database.schema(DKIMKey.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("domain", .string, .required)
            .field("selector", .string, .required)
            .field("algorithm", .string, .required)
            .field("public_key", .string, .required)
            .field("private_key_ciphertext", .string, .required)
            .field("status", .string, .required)
            .field("live_selector", .string)
            .field("active_domain", .string)
            .field("created_at", .datetime)
            .field("activated_at", .datetime)
            .field("retired_at", .datetime)
            .unique(on: "organization_id", "domain", "live_selector", name: Self.uniqueLiveSelector)
            .unique(on: "organization_id", "active_domain", name: Self.uniqueActiveDomain)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DKIMKey.schema).delete()
    }
}
