import Fluent
import SQLKit

/// The suppression list, the soft bounces it counts, and per-organization thresholds and reminder steps (#18).
struct CreateSuppressionList: AsyncMigration {
    static let onePerAddress = "uq_suppressed_addresses_org_address"

    func prepare(on database: any Database) async throws {
        try await database.schema(SuppressedAddress.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("address", .string, .required)
            .field("reason", .string, .required)
            .field("remote_reason", .string)
            .field("added_by", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "organization_id", "address", name: Self.onePerAddress)
            .create()
        try await database.schema(SoftBounce.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("address", .string, .required)
            .field("reason", .string)
            .field("bounced_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "ix_soft_bounces_org_address").on(SoftBounce.schema)
            .column("organization_id").column("address").column("bounced_at").run()
        try await database.schema(DeliverabilitySettings.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("soft_bounce_limit", .int, .required)
            .field("soft_bounce_window_days", .int, .required)
            .field("join_reminder_days", .string, .required)
            .field("install_reminder_days", .string, .required)
            .unique(on: "organization_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DeliverabilitySettings.schema).delete()
        try await database.schema(SoftBounce.schema).delete()
        try await database.schema(SuppressedAddress.schema).delete()
    }
}
