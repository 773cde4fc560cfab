import Fluent
import SQLKit

/// The LDAP connection and schedule per organization (`LDAPSettings`), and the sync reports (`DirectorySyncRun`).
struct CreateLDAPSettings: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LDAPSettings.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("url", .string, .required)
            .field("ca_certificate_pem", .string)
            .field("bind_dn", .string, .required)
            .field("password_ciphertext", .string)
            .field("user_base_dn", .string, .required)
            .field("group_base_dn", .string, .required)
            .field("preset", .string, .required)
            .field("mapping", .json, .required)
            .field("sync_interval_minutes", .int, .required)
            .field("next_sync_at", .datetime)
            .field("sync_lease_until", .datetime)
            .field("sync_lease_holder", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organization_id", name: "uq_ldap_settings_organization")
            .create()
        try await database.schema(DirectorySyncRun.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("trigger", .string, .required)
            .field("status", .string, .required)
            .field("started_at", .datetime, .required)
            .field("finished_at", .datetime)
            .field("users_added", .int, .required)
            .field("users_updated", .int, .required)
            .field("users_disabled", .int, .required)
            .field("users_removed", .int, .required)
            .field("groups_added", .int, .required)
            .field("groups_updated", .int, .required)
            .field("groups_removed", .int, .required)
            .field("error", .string)
            .field("warnings", .string)
            .field("warning_count", .int, .required)
            .create()
        try await database.sql.raw("CREATE INDEX ix_directory_sync_runs_list ON directory_sync_runs (organization_id, started_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DirectorySyncRun.schema).delete()
        try await database.schema(LDAPSettings.schema).delete()
    }
}
