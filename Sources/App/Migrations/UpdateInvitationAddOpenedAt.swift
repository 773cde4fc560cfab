import Fluent
import SQLKit

/// When the invitee first opened the invitation's link, for the dashboard's "opened" stage; and the indexes
/// the dashboard's per-day counts use, so they stay fast with hundreds of thousands of invitations.
struct UpdateInvitationAddOpenedAt: AsyncMigration {
    static let sentIndex = "ix_invitations_organization_sent_at"
    static let acceptedIndex = "ix_invitations_organization_accepted_at"
    static let outboxInvitationIndex = "ix_outbox_messages_invitation"

    func prepare(on database: any Database) async throws {
        try await database.schema(Invitation.schema).field("opened_at", .datetime).update()
        let sql = try database.sql
        try await sql.create(index: Self.sentIndex).on(Invitation.schema).column("organization_id").column("sent_at").run()
        try await sql.create(index: Self.acceptedIndex).on(Invitation.schema).column("organization_id").column("accepted_at").run()
        try await sql.create(index: Self.outboxInvitationIndex).on(OutboxMessage.schema).column("invitation_id").run()
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        for index in [Self.outboxInvitationIndex, Self.acceptedIndex, Self.sentIndex] {
            try await sql.drop(index: index).run()
        }
        try await database.schema(Invitation.schema).deleteField("opened_at").update()
    }
}
