import Fluent
import SQLKit

struct CreateAuditEvent: AsyncMigration {
    static let organizationTimeIndex = "ix_audit_events_organization_created"

    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema)
            .id()
            .field("organization_id", .uuid, .references(Organization.schema, .id, onDelete: .cascade))
            .field("actor_id", .uuid, .references(Account.schema, .id, onDelete: .setNull))
            .field("actor_label", .string, .required)
            .field("action", .string, .required)
            .field("target_type", .string, .required)
            .field("target_id", .string)
            .field("target_label", .string, .required)
            .field("details", .string)
            .field("created_at", .datetime)
            .create()
        try await database.sql.create(index: Self.organizationTimeIndex)
            .on(AuditEvent.schema).column("organization_id").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditEvent.schema).delete()
    }
}
