import Fluent

struct CreateLicenseKey: AsyncMigration {
    static let uniqueName = "uq_license_keys_organization_name"

    func prepare(on database: any Database) async throws {
        try await database.schema(LicenseKey.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("name", .string, .required)
            .field("product", .string, .required)
            .field("seats", .int, .required)
            .field("expires_at", .datetime)
            .field("secret_ciphertext", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organization_id", "name", name: Self.uniqueName)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LicenseKey.schema).delete()
    }
}
