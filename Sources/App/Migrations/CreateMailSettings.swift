import Fluent

struct CreateMailSettings: AsyncMigration {
    static let uniqueOrganization = "uq_mail_settings_organization"

    func prepare(on database: any Database) async throws {
        try await database.schema(MailSettings.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("transport", .string, .required)
            .field("host", .string)
            .field("port", .int)
            .field("sender_address", .string, .required)
            .field("sender_name", .string)
            .field("tls_mode", .string, .required)
            .field("minimum_tls_version", .string, .required)
            .field("verify_certificates", .bool, .required)
            .field("ca_file", .string)
            .field("requires_authentication", .bool, .required)
            .field("username", .string)
            .field("password_ciphertext", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organization_id", name: Self.uniqueOrganization)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MailSettings.schema).delete()
    }
}
