import Fluent

/// Per organization: the client's URL scheme and one download link per device type (`download_<type>`).
struct CreateClientInvitationSettings: AsyncMigration {
    static let uniqueOrganization = "uq_client_invitation_settings_organization"

    func prepare(on database: any Database) async throws {
        try await database.schema(ClientInvitationSettings.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("url_scheme", .string, .required)
            .field("download_windows", .string, .required)
            .field("download_macos", .string, .required)
            .field("download_linux", .string, .required)
            .field("download_ios", .string, .required)
            .field("download_android", .string, .required)
            .field("download_chromeos", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organization_id", name: Self.uniqueOrganization)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ClientInvitationSettings.schema).delete()
    }
}
