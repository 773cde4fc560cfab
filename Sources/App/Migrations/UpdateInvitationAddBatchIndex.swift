import Fluent
import SQLKit

/// "Download invitations" pages through one batch by email: up to 100,000 rows, without scanning the table.
struct UpdateInvitationAddBatchIndex: AsyncMigration {
    static let batchIndex = "ix_invitations_batch"

    func prepare(on database: any Database) async throws {
        try await database.sql.create(index: Self.batchIndex).on(Invitation.schema).column("batch_id").column("email").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: Self.batchIndex).run()
    }
}
