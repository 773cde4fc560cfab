import Fluent
import SQLKit

struct CreateInvitation: AsyncMigration {
    static let uniqueTokenHash = "uq_invitations_token_hash"
    static let organizationStatusIndex = "ix_invitations_organization_status"

    func prepare(on database: any Database) async throws {
        try await database.schema(Invitation.schema)
            .id()
            .field("organization_id", .uuid, .required, .references(Organization.schema, .id, onDelete: .cascade))
            .field("inviter_id", .uuid, .references(Account.schema, .id, onDelete: .setNull))
            .field("batch_id", .uuid)
            .field("kind", .string, .required)
            .field("email", .string, .required)
            .field("name", .string)
            .field("language", .string, .required)
            .field("status", .string, .required)
            .field("token_hash", .string)
            .field("role_on_accept", .string)
            .field("message", .string)
            .field("payload", .string)
            .field("expires_at", .datetime, .required)
            .field("sent_at", .datetime)
            .field("accepted_at", .datetime)
            .field("revoked_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "token_hash", name: Self.uniqueTokenHash)
            .create()
        try await database.sql.create(index: Self.organizationStatusIndex)
            .on(Invitation.schema).column("organization_id").column("status").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Invitation.schema).delete()
    }
}
