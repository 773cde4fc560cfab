import Fluent

struct CreateLicenseKeyAdministrator: AsyncMigration {
    static let uniqueGrant = "uq_license_key_administrators_grant"

    func prepare(on database: any Database) async throws {
        try await database.schema(LicenseKeyAdministrator.schema)
            .id()
            .field("membership_id", .uuid, .required, .references(Membership.schema, .id, onDelete: .cascade))
            .field("license_key_id", .uuid, .required, .references(LicenseKey.schema, .id, onDelete: .cascade))
            .field("created_at", .datetime)
            .unique(on: "membership_id", "license_key_id", name: Self.uniqueGrant)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LicenseKeyAdministrator.schema).delete()
    }
}
