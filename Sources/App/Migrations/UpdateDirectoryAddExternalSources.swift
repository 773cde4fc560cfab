import Fluent
import SQLKit

/// Issue 17: directory users and groups from LDAP and SCIM. Each record says its source and keeps the source's
/// stable id; users keep the SCIM attributes Herald returns. The user name is unique per organization when set
/// (both databases let several rows leave it NULL). One column per statement: SQLite adds one at a time.
struct UpdateDirectoryAddExternalSources: AsyncMigration {
    static let userNameIndex = "uq_directory_users_organization_user_name"
    static let userExternalIndex = "ix_directory_users_organization_external_id"
    static let groupExternalIndex = "ix_directory_groups_organization_external_id"

    static let userTextColumns = ["external_id", "user_name", "display_name", "given_name", "family_name", "email_type",
                                  "employee_number", "department", "manager", "deactivated_reason"]

    func prepare(on database: any Database) async throws {
        let users = DirectoryUser.schema, groups = DirectoryGroup.schema
        for table in [users, groups] {
            try await database.schema(table).field("source", .string, .required, .sql(.default("manual"))).update()
            try await database.schema(table).field("version", .int, .required, .sql(.default(1))).update()
        }
        for column in Self.userTextColumns {
            try await database.schema(users).field(.string(column), .string).update()
        }
        for column in ["deactivated_at", "removed_at"] { try await database.schema(users).field(.string(column), .datetime).update() }
        try await database.schema(users).field("email_primary", .bool).update()
        try await database.schema(groups).field("external_id", .string).update()
        try await database.schema(groups).field("updated_at", .datetime).update()
        let sql = try database.sql
        try await sql.create(index: Self.userNameIndex).unique().on(users).column("organization_id").column("user_name").run()
        try await sql.create(index: Self.userExternalIndex).on(users).column("organization_id").column("external_id").run()
        try await sql.create(index: Self.groupExternalIndex).on(groups).column("organization_id").column("external_id").run()
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        for index in [Self.groupExternalIndex, Self.userExternalIndex, Self.userNameIndex] { try await sql.drop(index: index).run() }
        for column in Self.userTextColumns + ["deactivated_at", "removed_at", "email_primary", "source", "version"] {
            try await database.schema(DirectoryUser.schema).deleteField(.string(column)).update()
        }
        for column in ["external_id", "updated_at", "source", "version"] {
            try await database.schema(DirectoryGroup.schema).deleteField(.string(column)).update()
        }
    }
}
