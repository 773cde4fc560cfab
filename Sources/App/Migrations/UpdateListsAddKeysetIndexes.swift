import Fluent
import SQLKit

/// The indexes every paged list reads through (issue 16): each ends in the list's sort column and the id, so that a
/// page after a cursor is one index range whatever its depth, and each filter (status, kind, action, actor, an email
/// prefix) is a leading column. Three older indexes are prefixes of new ones and go, so that writers maintain no
/// more indexes than they need.
///
/// Email columns are indexed byte by byte (`COLLATE "C"` on PostgreSQL, SQLite's default): a prefix search is one
/// range in that order whatever the server's locale (`ListOrdering.Kind.bytes`).
struct UpdateListsAddKeysetIndexes: AsyncMigration {
    struct Index {
        let name: String
        let table: String
        let columns: [String]
        /// The column compared byte by byte, if any.
        var bytes: String? = nil
    }

    static let indexes: [Index] = [
        Index(name: "ix_invitations_list", table: Invitation.schema, columns: ["organization_id", "created_at", "id"]),
        Index(name: "ix_invitations_list_status", table: Invitation.schema, columns: ["organization_id", "status", "created_at", "id"]),
        Index(name: "ix_invitations_list_kind", table: Invitation.schema, columns: ["organization_id", "kind", "created_at", "id"]),
        Index(name: "ix_invitations_list_email", table: Invitation.schema, columns: ["organization_id", "email", "id"], bytes: "email"),
        Index(name: "ix_memberships_list", table: Membership.schema, columns: ["organization_id", "created_at", "id"]),
        Index(name: "ix_directory_users_list", table: DirectoryUser.schema, columns: ["organization_id", "name", "id"]),
        Index(name: "ix_directory_users_list_email", table: DirectoryUser.schema, columns: ["organization_id", "email", "id"], bytes: "email"),
        Index(name: "ix_installations_list", table: Installation.schema, columns: ["license_key_id", "activated_at", "id"]),
        Index(name: "ix_audit_events_list", table: AuditEvent.schema, columns: ["organization_id", "created_at", "id"]),
        Index(name: "ix_audit_events_list_action", table: AuditEvent.schema, columns: ["organization_id", "action", "created_at", "id"]),
        Index(name: "ix_audit_events_list_actor", table: AuditEvent.schema, columns: ["organization_id", "actor_label", "created_at", "id"]),
        Index(name: "ix_outbox_messages_list", table: OutboxMessage.schema, columns: ["organization_id", "created_at", "id"]),
        Index(name: "ix_outbox_messages_list_status", table: OutboxMessage.schema, columns: ["organization_id", "status", "created_at", "id"]),
    ]

    /// Replaced by the first index of each table above, which has the same leading columns.
    static let replaced: [Index] = [
        Index(name: CreateInvitation.organizationStatusIndex, table: Invitation.schema, columns: ["organization_id", "status"]),
        Index(name: CreateAuditEvent.organizationTimeIndex, table: AuditEvent.schema, columns: ["organization_id", "created_at"]),
        Index(name: UpdateOutboxMessageAddOrganizationIndex.name, table: OutboxMessage.schema, columns: ["organization_id", "created_at"]),
    ]

    func prepare(on database: any Database) async throws {
        let sql = try database.sql
        for index in Self.indexes { try await Self.create(index, on: sql) }
        for index in Self.replaced { try await sql.drop(index: index.name).run() }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        for index in Self.replaced { try await Self.create(index, on: sql) }
        for index in Self.indexes { try await sql.drop(index: index.name).run() }
    }

    private static func create(_ index: Index, on sql: any SQLDatabase) async throws {
        let collate = sql.dialect.name == "postgresql" ? " COLLATE \"C\"" : ""
        let columns = index.columns.map { column in
            SQLQueryString("\(ident: column)") + SQLQueryString(column == index.bytes ? collate : "")
        }
        var statement: SQLQueryString = "CREATE INDEX \(ident: index.name) ON \(ident: index.table) ("
        for (position, column) in columns.enumerated() { statement += SQLQueryString(position == 0 ? "" : ", ") + column }
        try await sql.raw(statement + ")").run()
    }
}
