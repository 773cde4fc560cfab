import Fluent

/// One Ed25519 key pair per organization, which signs its activation certificates.
struct CreateActivationSigningKey: AsyncMigration {
    static let uniqueOrganization = "uq_activation_signing_keys_organization"

    func prepare(on database: any Database) async throws {
        try await database.schema(ActivationSigningKey.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("key_id", .string, .required)
            .field("public_key", .string, .required)
            .field("private_key_ciphertext", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "organization_id", name: Self.uniqueOrganization)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ActivationSigningKey.schema).delete()
    }
}
