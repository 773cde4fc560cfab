import Fluent
import SQLKit

/// `MailQuota` counts an organization's outbox rows of the last 24 hours before every invitation, resend and
/// notice; without this index that count reads the whole outbox.
struct UpdateOutboxMessageAddOrganizationIndex: AsyncMigration {
    static let name = "ix_outbox_messages_organization_created"

    func prepare(on database: any Database) async throws {
        try await (database as! any SQLDatabase).create(index: Self.name).on(OutboxMessage.schema)
            .column("organization_id").column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await (database as! any SQLDatabase).drop(index: Self.name).run()
    }
}
