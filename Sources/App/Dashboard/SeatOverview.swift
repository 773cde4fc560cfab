import Fluent
import Foundation
import HeraldCore
import SQLKit
import Vapor

/// Seats per license key: used (active installations), invited but not activated (unused, unexpired codes
/// of pending invitations), free. Two GROUP BY subqueries, not one count per key.
enum SeatOverview {
    struct Key: Content, Equatable {
        let id: UUID
        let name: String
        let product: String
        let seats: Int
        let used: Int
        let invited: Int
        let free: Int
        /// `ok`, `near-limit` (80 % used) or `full`.
        let level: String
        /// Near or at the limit, or more invitations out than free seats.
        let needsAttention: Bool

        var usage: SeatUsage { SeatUsage(seats: seats, used: used, invited: invited) }
    }

    static func keys(organizationID: UUID, on db: any Database, now: Date = Date()) async throws -> [Key] {
        let rows = try await db.sql.raw("""
            SELECT k.id AS id, k.name AS name, k.product AS product, k.seats AS seats,
                COALESCE(u.used, 0) AS used, COALESCE(c.invited, 0) AS invited
            FROM license_keys k
            LEFT JOIN (SELECT license_key_id, COUNT(*) AS used FROM installations WHERE status = \(bind: InstallationStatus.active) GROUP BY license_key_id) u
                ON u.license_key_id = k.id
            LEFT JOIN (SELECT a.license_key_id, COUNT(*) AS invited FROM activation_codes a
                       JOIN invitations i ON i.id = a.invitation_id
                       WHERE a.status = \(bind: ActivationCodeStatus.unused) AND a.expires_at > \(bind: now) AND i.status = 'pending' AND i.organization_id = \(bind: organizationID)
                       GROUP BY a.license_key_id) c
                ON c.license_key_id = k.id
            WHERE k.organization_id = \(bind: organizationID)
            ORDER BY k.name, k.id
            """).all()
        return try rows.map { row in
            let usage = SeatUsage(seats: try row.decode(column: "seats", as: Int.self), used: try row.decode(column: "used", as: Int.self),
                                  invited: try row.decode(column: "invited", as: Int.self))
            return Key(id: try row.decode(column: "id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
                       product: try row.decode(column: "product", as: String.self), seats: usage.seats, used: usage.used,
                       invited: usage.invited, free: usage.free, level: usage.level.rawValue, needsAttention: usage.needsAttention)
        }
    }
}
