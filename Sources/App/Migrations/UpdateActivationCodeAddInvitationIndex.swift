import Fluent
import SQLKit

/// The download page and the exports find an invitation's code by `invitation_id`.
struct UpdateActivationCodeAddInvitationIndex: AsyncMigration {
    static let invitationIndex = "ix_activation_codes_invitation"

    func prepare(on database: any Database) async throws {
        try await database.sql.create(index: Self.invitationIndex)
            .on(ActivationCodeRecord.schema).column("invitation_id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: Self.invitationIndex).run()
    }
}
