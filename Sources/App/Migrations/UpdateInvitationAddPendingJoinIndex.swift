import Fluent
import SQLKit

/// At most one pending join invitation per person and organization, also when two administrators invite the
/// same address at the same moment (the check before inserting cannot see the other's uncommitted row).
struct UpdateInvitationAddPendingJoinIndex: AsyncMigration {
    static let name = "uq_invitations_pending_join"

    func prepare(on database: any Database) async throws {
        try await database.sql.raw("""
            CREATE UNIQUE INDEX \(ident: Self.name) ON \(ident: Invitation.schema) (organization_id, email)
            WHERE kind = 'join' AND status = 'pending'
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX \(ident: Self.name)").run()
    }
}
