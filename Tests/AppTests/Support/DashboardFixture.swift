@testable import App
import Fluent
import Foundation
import HeraldCore
import SQLKit
import Vapor

/// An organization's worth of invitations of every kind and status, outbox messages in every state, and
/// license keys at various usage, with the counts the dashboard should show.
enum DashboardFixture {
    /// One invitation shape; the fixture makes `perKind × multiplier` of each (join ×1, install ×2, client ×3,
    /// so a figure shown under the wrong kind cannot match by accident).
    struct Shape {
        let status: InvitationStatus
        let expired: Bool
        let delivered: Bool
        let opened: Bool
        /// Outbox states of the invitation's messages, oldest first.
        let outbox: [OutboxStatus]
        let perKind: Int
    }

    static let shapes: [Shape] = [
        Shape(status: .pending, expired: false, delivered: true, opened: false, outbox: [.sent], perKind: 2),
        Shape(status: .pending, expired: false, delivered: true, opened: true, outbox: [.sent], perKind: 1),
        Shape(status: .pending, expired: true, delivered: true, opened: false, outbox: [.sent], perKind: 1),
        Shape(status: .expired, expired: true, delivered: true, opened: false, outbox: [.sent], perKind: 1),
        Shape(status: .accepted, expired: false, delivered: true, opened: true, outbox: [.sent], perKind: 3),
        Shape(status: .revoked, expired: false, delivered: true, opened: false, outbox: [.sent], perKind: 1),
        Shape(status: .pending, expired: false, delivered: false, opened: false, outbox: [.failed], perKind: 1),
        Shape(status: .pending, expired: false, delivered: false, opened: false, outbox: [.queued], perKind: 1),
        // Failed, then resent: waiting again, so not counted as failed.
        Shape(status: .pending, expired: false, delivered: false, opened: false, outbox: [.failed, .deferred], perKind: 1),
    ]

    static let multiplier: [InvitationKind: Int] = [.join: 1, .install: 2, .client: 3]

    /// What the funnel must show for a kind, worked out by hand from `shapes`.
    static func expectedFunnel(_ kind: InvitationKind) -> InvitationFunnel.Row {
        let m = multiplier[kind]!
        return InvitationFunnel.Row(kind: kind, invited: 12 * m, delivered: 9 * m, failed: 1 * m, opened: 4 * m,
                                    accepted: 3 * m, pending: 6 * m, expired: 2 * m, revoked: 1 * m)
    }

    /// Days ago that successive delivered invitations were sent; 35 is outside the 30-day window.
    static let sentDaysAgo = [0, 1, 3, 7, 29, 35]

    @discardableResult
    static func seedInvitations(_ app: Application, organizationID: UUID, now: Date = Date()) async throws -> [Invitation] {
        var made: [Invitation] = []
        var counter = 0
        for kind in InvitationKind.allCases {
            for shape in shapes {
                for _ in 0..<(shape.perKind * multiplier[kind]!) {
                    counter += 1
                    let sentAt = now.addingTimeInterval(-86_400 * Double(sentDaysAgo[counter % sentDaysAgo.count]) - 60)
                    let invitation = Invitation()
                    invitation.$organization.id = organizationID
                    invitation.kind = kind
                    invitation.email = "\(kind.rawValue)-\(counter)@example.com"
                    invitation.language = "en"
                    invitation.status = shape.status
                    invitation.tokenHash = TokenGenerator.hash("fixture-\(UUID().uuidString)")
                    invitation.expiresAt = now.addingTimeInterval(shape.expired ? -3_600 : 7 * 86_400)
                    invitation.sentAt = shape.delivered ? sentAt : nil
                    invitation.openedAt = shape.opened ? sentAt.addingTimeInterval(30) : nil
                    invitation.acceptedAt = shape.status == .accepted ? sentAt.addingTimeInterval(60) : nil
                    invitation.revokedAt = shape.status == .revoked ? now : nil
                    try await invitation.create(on: app.db)
                    for status in shape.outbox {
                        try await message(app, organizationID: organizationID, invitationID: invitation.id, to: invitation.email, status: status, now: now)
                    }
                    made.append(invitation)
                }
            }
        }
        return made
    }

    @discardableResult
    static func message(_ app: Application, organizationID: UUID, invitationID: UUID? = nil, to: String, status: OutboxStatus,
                        batchID: UUID? = nil, lastError: String? = nil, settledAt: Date? = nil, now: Date = Date()) async throws -> OutboxMessage {
        let message = OutboxMessage()
        message.$organization.id = organizationID
        message.$invitation.id = invitationID
        message.batchID = batchID
        message.status = status
        message.mailFrom = "herald@example.com"
        message.recipients = to
        message.messageID = "<\(UUID().uuidString)@herald.test>"
        message.subject = "Invitation for \(to)"
        message.raw = Data("Subject: fixture\r\n\r\nbody\r\n".utf8)
        message.attempts = status == .queued ? 0 : 1
        message.nextAttemptAt = status == .deferred ? now.addingTimeInterval(600) : now
        message.lastError = lastError ?? (status == .failed ? "SMTP rejected: server replied 550 5.1.1 <\(to)>: User unknown (permanent)"
                                          : status == .deferred ? "451 4.7.1 try again later (temporary)" : nil)
        message.sentAt = status == .sent ? now : nil
        try await message.create(on: app.db)
        if let settledAt {
            // `updated_at` is when a failure was recorded; Fluent sets it to now on create, so backdate it here.
            try await app.db.sql.raw("UPDATE outbox_messages SET updated_at = \(bind: settledAt) WHERE id = \(bind: try message.requireID())").run()
        }
        return message
    }
}
