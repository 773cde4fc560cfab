import Fluent
import Foundation
import HeraldCore
import SQLKit

/// `invitation.expired` is announced once per invitation (`InvitationExpiryAnnouncer`, #19): `expiry_announced_at`
/// records that it was, and a partial index holds only the pending invitations not announced yet, so that each round
/// reads the few that just expired instead of every pending one.
///
/// Invitations that had expired before this migration are marked announced: an endpoint added afterwards must not
/// receive every old expiry at once.
struct UpdateInvitationAddExpiryAnnouncement: AsyncMigration {
    static let index = "ix_invitations_expiry_unannounced"

    func prepare(on database: any Database) async throws {
        try await database.schema(Invitation.schema).field("expiry_announced_at", .datetime).update()
        let sql = try database.sql
        let now = Date()
        try await sql.raw("""
            UPDATE \(ident: Invitation.schema) SET expiry_announced_at = \(bind: now)
            WHERE status = \(bind: InvitationStatus.pending) AND expires_at <= \(bind: now)
            """).run()
        // Literal, not bound: PostgreSQL does not take parameters in an index's predicate.
        try await sql.raw("""
            CREATE INDEX \(ident: Self.index) ON \(ident: Invitation.schema) (expires_at)
            WHERE status = \(literal: InvitationStatus.pending.rawValue) AND expiry_announced_at IS NULL
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: Self.index).run()
        try await database.schema(Invitation.schema).deleteField("expiry_announced_at").update()
    }
}
