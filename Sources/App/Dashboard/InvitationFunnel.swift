import Fluent
import Foundation
import HeraldCore
import SQLKit
import Vapor

/// How far each kind of invitation got, counted in one GROUP BY over the organization's invitations.
///
/// Stages overlap the way a funnel does: delivered ⊇ opened ⊇ accepted (mostly: an invitation can also be
/// accepted with a link copied before delivery was recorded). pending + accepted + expired + revoked + bounced = invited.
enum InvitationFunnel {
    struct Row: Content, Equatable {
        var kind: InvitationKind
        var invited = 0
        /// The invitation's email left Herald (the SMTP server accepted it, or it was written to the spool).
        var delivered = 0
        /// Never delivered: the last attempt failed and nothing is queued to try again.
        var failed = 0
        var opened = 0
        /// Joined, activated (install) or accepted (client).
        var accepted = 0
        /// Still usable: pending and not yet past its expiry.
        var pending = 0
        var expired = 0
        var revoked = 0
        /// A hard bounce came back for its email (`BounceRecorder`).
        var bounced = 0
    }

    /// One row per kind, always all three in `InvitationKind` order (zeros for a kind never used).
    static func rows(organizationID: UUID, on db: any Database, now: Date = Date()) async throws -> [Row] {
        let sql = try db.sql
        // The two outbox subqueries read only failed and waiting messages (few next to the sent ones) through the
        // (status, next_attempt_at) index; as IN lists they become one hashed lookup per invitation (a LEFT JOIN
        // made SQLite scan the whole list for every invitation: BENCHMARKS.md, "Dashboard with 100,000 invitations").
        let found = try await sql.raw("""
            SELECT i.kind AS kind, COUNT(*) AS invited,
                SUM(CASE WHEN i.sent_at IS NOT NULL THEN 1 ELSE 0 END) AS delivered,
                SUM(CASE WHEN i.sent_at IS NULL
                          AND i.id IN (SELECT invitation_id FROM outbox_messages WHERE status = 'failed' AND invitation_id IS NOT NULL)
                          AND i.id NOT IN (SELECT invitation_id FROM outbox_messages
                                           WHERE status IN ('queued', 'sending', 'deferred') AND invitation_id IS NOT NULL)
                    THEN 1 ELSE 0 END) AS failed,
                SUM(CASE WHEN i.opened_at IS NOT NULL THEN 1 ELSE 0 END) AS opened,
                SUM(CASE WHEN i.status = 'accepted' THEN 1 ELSE 0 END) AS accepted,
                SUM(CASE WHEN i.status = 'pending' AND i.expires_at > \(bind: now) THEN 1 ELSE 0 END) AS pending,
                SUM(CASE WHEN i.status = 'expired' OR (i.status = 'pending' AND i.expires_at <= \(bind: now)) THEN 1 ELSE 0 END) AS expired,
                SUM(CASE WHEN i.status = 'revoked' THEN 1 ELSE 0 END) AS revoked,
                SUM(CASE WHEN i.status = 'bounced' THEN 1 ELSE 0 END) AS bounced
            FROM invitations i
            WHERE i.organization_id = \(bind: organizationID)
            GROUP BY i.kind
            """).all()
        var byKind: [InvitationKind: Row] = [:]
        for row in found {
            let kind = try row.decode(column: "kind", as: InvitationKind.self)
            func count(_ column: String) throws -> Int { try row.decode(column: column, as: Int?.self) ?? 0 }
            byKind[kind] = Row(
                kind: kind, invited: try count("invited"), delivered: try count("delivered"), failed: try count("failed"),
                opened: try count("opened"), accepted: try count("accepted"), pending: try count("pending"),
                expired: try count("expired"), revoked: try count("revoked"), bounced: try count("bounced")
            )
        }
        return InvitationKind.allCases.map { byKind[$0] ?? Row(kind: $0) }
    }
}

extension InvitationFunnel.Row {
    /// The word for "accepted" in this kind's terms.
    var acceptedLabel: String {
        switch kind {
        case .join: "Joined"
        case .install: "Activated"
        case .client: "Accepted"
        }
    }

    var title: String {
        switch kind {
        case .join: "Join invitations"
        case .install: "Install invitations"
        case .client: "Client invitations"
        }
    }

    /// The stages as the chart and the table show them, in funnel order.
    var stages: [FunnelChart.Stage] {
        [
            .init(label: "Invited", value: invited), .init(label: "Delivered", value: delivered),
            .init(label: "Failed", value: failed, tone: "bad"), .init(label: "Bounced", value: bounced, tone: "bad"),
            .init(label: "Opened", value: opened),
            .init(label: acceptedLabel, value: accepted, tone: "good"), .init(label: "Pending", value: pending, tone: "muted"),
            .init(label: "Expired", value: expired, tone: "muted"), .init(label: "Revoked", value: revoked, tone: "muted"),
        ]
    }
}
