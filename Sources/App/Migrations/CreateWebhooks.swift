import Fluent
import SQLKit

/// Webhook endpoints and their deliveries (issue 19).
struct CreateWebhooks: AsyncMigration {
    /// The claim scans by (status, next_attempt_at), as the mail outbox's does.
    static let claimIndex = "ix_webhook_deliveries_status_next_attempt"
    /// The delivery log lists an endpoint's deliveries newest first.
    static let logIndex = "ix_webhook_deliveries_endpoint_created"
    /// Every audited change looks up its organization's endpoints.
    static let organizationIndex = "ix_webhook_endpoints_organization"
    static let oneRowPerEvent = "uq_webhook_deliveries_endpoint_event"

    func prepare(on database: any Database) async throws {
        try await database.schema(WebhookEndpoint.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("url", .string, .required)
            .field("description", .string)
            .field("event_types", .string, .required)
            .field("enabled", .bool, .required)
            .field("secret", .string, .required)
            .field("previous_secret", .string)
            .field("previous_secret_until", .datetime)
            .field("failure_streak", .int, .required)
            .field("failing_since", .datetime)
            .field("disabled_reason", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await database.schema(WebhookDelivery.schema)
            .id()
            .field("endpoint_id", .uuid, .required, .references(WebhookEndpoint.schema, .id, onDelete: .cascade))
            .field("organization_id", .uuid, .required)
            .field("event_id", .string, .required)
            .field("event_type", .string, .required)
            .field("payload", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("lease_expires_at", .datetime)
            .field("leased_by", .string)
            .field("response_status", .int)
            .field("latency_ms", .int)
            .field("response_excerpt", .string)
            .field("last_error", .string)
            .field("delivered_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "endpoint_id", "event_id", name: Self.oneRowPerEvent)
            .create()
        let sql = try database.sql
        try await sql.create(index: Self.organizationIndex).on(WebhookEndpoint.schema).column("organization_id").run()
        try await sql.create(index: Self.claimIndex).on(WebhookDelivery.schema).column("status").column("next_attempt_at").run()
        try await sql.create(index: Self.logIndex).on(WebhookDelivery.schema).column("endpoint_id").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(WebhookDelivery.schema).delete()
        try await database.schema(WebhookEndpoint.schema).delete()
    }
}
