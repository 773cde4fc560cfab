import Fluent
import SQLKit

/// Per-invitation history and the reminder steps taken (#18).
struct CreateInvitationHistory: AsyncMigration {
    static let onePerStep = "uq_invitation_reminders_invitation_step"

    func prepare(on database: any Database) async throws {
        try await database.schema(InvitationEvent.schema)
            .field("id", .int64, .identifier(auto: true))
            .field("invitation_id", .uuid, .required, .references(Invitation.schema, .id, onDelete: .cascade))
            .field("organization_id", .uuid, .required)
            .field("kind", .string, .required)
            .field("detail", .string)
            .field("occurred_at", .datetime, .required)
            .create()
        try await database.sql.create(index: "ix_invitation_events_invitation").on(InvitationEvent.schema)
            .column("invitation_id").column("id").run()
        try await database.schema(InvitationReminder.schema)
            .id()
            .field("invitation_id", .uuid, .required, .references(Invitation.schema, .id, onDelete: .cascade))
            .field("step", .int, .required)
            .field("reminded_at", .datetime, .required)
            .unique(on: "invitation_id", "step", name: Self.onePerStep)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(InvitationReminder.schema).delete()
        try await database.schema(InvitationEvent.schema).delete()
    }
}
