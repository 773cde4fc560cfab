import Fluent

/// Issue 17: per-group auto-invite rules and the record of who each rule has handled (once per person).
struct CreateDirectoryGroupAutoInvite: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DirectoryGroupAutoInvite.schema)
            .id()
            .field("group_id", .uuid, .required, .references(DirectoryGroup.schema, .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("license_key_id", .uuid, .references(LicenseKey.schema, .id, onDelete: .cascade))
            .field("created_at", .datetime)
            .unique(on: "group_id", "kind", name: "uq_directory_group_auto_invites_group_kind")
            .create()
        try await database.schema(DirectoryAutoInvitation.schema)
            .id()
            .field("group_id", .uuid, .required, .references(DirectoryGroup.schema, .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("directory_user_id", .uuid, .required, .references(DirectoryUser.schema, .id, onDelete: .cascade))
            .field("created_at", .datetime)
            .unique(on: "group_id", "kind", "directory_user_id", name: "uq_directory_auto_invitations_once")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DirectoryAutoInvitation.schema).delete()
        try await database.schema(DirectoryGroupAutoInvite.schema).delete()
    }
}
