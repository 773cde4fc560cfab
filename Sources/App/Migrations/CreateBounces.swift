import Fluent
import SQLKit

/// Bounces tied back to their invitations (#18): the bounce records, each organization's bounce settings (VERP
/// domain, POP3 mailbox), the invitation's bounce columns, and an index on the outbox's Message-ID for bounces that
/// carry no VERP token and are matched by their returned Message-ID.
struct CreateBounces: AsyncMigration {
    static let byInvitation = "ix_bounces_invitation"
    static let byOrganization = "ix_bounces_organization_received"
    static let outboxByMessageID = "ix_outbox_messages_message_id"

    func prepare(on database: any Database) async throws {
        try await database.schema(BounceRecord.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("outbox_message_id", .uuid)
            .field("invitation_id", .uuid, .references(Invitation.schema, .id, onDelete: .setNull))
            .field("address", .string, .required)
            .field("kind", .string, .required)
            .field("status_code", .string)
            .field("reason", .string, .required)
            .field("matched_by", .string, .required)
            .field("received_at", .datetime, .required)
            .create()
        try await database.schema(BounceSettings.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("bounce_domain", .string)
            .field("host", .string)
            .field("port", .int)
            .field("tls_mode", .string, .required)
            .field("username", .string)
            .field("password_ciphertext", .string)
            .field("ca_certificate", .string)
            .field("poll_interval_seconds", .int, .required)
            .field("next_poll_at", .datetime)
            .field("last_poll_at", .datetime)
            .field("last_poll_result", .string)
            .field("poll_lease_until", .datetime)
            .field("poll_lease_holder", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "organization_id")
            .create()
        try await database.schema(Invitation.schema).field("bounced_at", .datetime).update()
        try await database.schema(Invitation.schema).field("bounce_reason", .string).update()
        let sql = try database.sql
        try await sql.create(index: Self.byInvitation).on(BounceRecord.schema).column("invitation_id").run()
        try await sql.create(index: Self.byOrganization).on(BounceRecord.schema).column("organization_id").column("received_at").run()
        try await sql.create(index: Self.outboxByMessageID).on(OutboxMessage.schema).column("message_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: Self.outboxByMessageID).run()
        try await database.schema(Invitation.schema).deleteField("bounce_reason").update()
        try await database.schema(Invitation.schema).deleteField("bounced_at").update()
        try await database.schema(BounceSettings.schema).delete()
        try await database.schema(BounceRecord.schema).delete()
    }
}
