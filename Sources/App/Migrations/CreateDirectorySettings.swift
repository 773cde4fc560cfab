import Fluent

/// Per organization: the directory's provisioning (csv, ldap, scim) and whether deprovisioning blocks members.
struct CreateDirectorySettings: AsyncMigration {
    static let uniqueOrganization = "uq_directory_settings_organization"

    func prepare(on database: any Database) async throws {
        try await database.schema(DirectorySettings.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("provisioning", .string, .required)
            .field("block_members_on_deprovision", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organization_id", name: Self.uniqueOrganization)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DirectorySettings.schema).delete()
    }
}
