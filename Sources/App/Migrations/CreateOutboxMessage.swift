import Fluent
import SQLKit

struct CreateOutboxMessage: AsyncMigration {
    /// The claim query scans by (status, next_attempt_at); without this index it is a full scan per batch.
    static let claimIndex = "ix_outbox_messages_status_next_attempt"
    static let batchIndex = "ix_outbox_messages_batch"

    func prepare(on database: any Database) async throws {
        try await database.schema(OutboxMessage.schema)
            .id()
            .field("organization_id", .uuid, .references(Organization.schema, .id, onDelete: .setNull))
            .field("invitation_id", .uuid, .references(Invitation.schema, .id, onDelete: .setNull))
            .field("batch_id", .uuid)
            .field("status", .string, .required)
            .field("mail_from", .string, .required)
            .field("recipients", .string, .required)
            .field("message_id", .string, .required)
            .field("subject", .string, .required)
            .field("raw", .data, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("lease_expires_at", .datetime)
            .field("leased_by", .string)
            .field("last_error", .string)
            .field("sent_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        let sql = try database.sql
        try await sql.create(index: Self.claimIndex).on(OutboxMessage.schema)
            .column("status").column("next_attempt_at").run()
        try await sql.create(index: Self.batchIndex).on(OutboxMessage.schema).column("batch_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OutboxMessage.schema).delete()
    }
}
