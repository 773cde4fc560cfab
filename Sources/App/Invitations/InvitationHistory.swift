import Fluent
import Foundation
import HeraldCore
import SQLKit

/// Each invitation's history (`invitation_events`): written on the transaction that makes the change, so an event
/// exists exactly when its change was committed, and read in the order written.
enum InvitationHistory {
    static let maximumDetailLength = 500

    static func record(_ kind: InvitationEventKind, invitationID: UUID, organizationID: UUID, detail: String? = nil,
                       on db: any Database, at now: Date = Date()) async throws {
        try await record(kind, invitations: [(invitationID, organizationID)], detail: detail, on: db, at: now)
    }

    /// One event per invitation, inserted a few hundred per statement (a batch's "queued").
    static func record(_ kind: InvitationEventKind, invitations: [(id: UUID, organizationID: UUID)], detail: String? = nil,
                       on db: any Database, at now: Date = Date()) async throws {
        let detail = detail.map { String(SafeText.scrubbed($0).prefix(maximumDetailLength)) }
        // 1,000 rows of five values a statement: well within both databases' limits on bound values.
        for chunk in invitations.chunked(1_000) {
            let rows: [SQLQueryString] = chunk.map { invitation in
                "(\(bind: invitation.id), \(bind: invitation.organizationID), \(bind: kind.rawValue), \(bind: detail), \(bind: now))"
            }
            try await db.sql.raw("""
                INSERT INTO \(ident: InvitationEvent.schema) (invitation_id, organization_id, kind, detail, occurred_at)
                VALUES \(SQLList(rows))
                """).run()
        }
    }

    /// "sent" for each message a claim settled, with the receiving server's reply to that message (its "250 ..."
    /// line, naming the queue id a postmaster can search for); without a reply (the file transport), that it was
    /// accepted. One statement per 1,000 messages, like `record`.
    static func recordSent(_ settled: [SettledInvitationMessage], replies: [UUID: String], on db: any SQLDatabase, at now: Date) async throws {
        for chunk in settled.chunked(1_000) {
            let rows: [SQLQueryString] = chunk.map { message in
                let detail = replies[message.messageID].map(InvitationRowEvents.oneLine) ?? "accepted by the receiving mail server"
                return "(\(bind: message.invitationID), \(bind: message.organizationID), \(bind: InvitationEventKind.sent.rawValue), \(bind: detail), \(bind: now))"
            }
            try await db.raw("""
                INSERT INTO \(ident: InvitationEvent.schema) (invitation_id, organization_id, kind, detail, occurred_at)
                VALUES \(SQLList(rows))
                """).run()
        }
    }

    /// For bounce handling: records that the invitation's email bounced, with the remote server's reason.
    /// `isHard` says a permanent (5.x.x) bounce; the event's detail starts with "hard: " or "soft: ".
    static func recordBounce(invitationID: UUID, isHard: Bool, reason: String?, on db: any Database, at now: Date = Date()) async throws {
        guard let invitation = try await Invitation.find(invitationID, on: db) else { return }
        try await record(.bounced, invitationID: invitationID, organizationID: invitation.$organization.id,
                         detail: (isHard ? "hard" : "soft") + (reason.map { ": \($0)" } ?? ""), on: db, at: now)
    }

    /// Events of the outbox messages in `messageIDs` that belong to invitations, one statement: recording delivery
    /// outcomes stays a handful of statements per slice (Benchmarks/smtp-throughput).
    static func recordForMessages(_ kind: InvitationEventKind, messageIDs: [UUID], detail: String?, on db: any SQLDatabase, at now: Date) async throws {
        guard !messageIDs.isEmpty else { return }
        let detail = detail.map { String(SafeText.scrubbed($0).prefix(maximumDetailLength)) }
        try await db.raw("""
            INSERT INTO \(ident: InvitationEvent.schema) (invitation_id, organization_id, kind, detail, occurred_at)
            SELECT invitation_id, organization_id, \(bind: kind.rawValue), \(bind: detail), \(bind: now)
            FROM outbox_messages WHERE id IN (\(binds: messageIDs)) AND invitation_id IS NOT NULL AND organization_id IS NOT NULL
            """).run()
    }

    /// The invitation's events, oldest first.
    static func events(invitationID: UUID, on db: any Database) async throws -> [InvitationEvent] {
        try await InvitationEvent.query(on: db).filter(\.$invitation.$id == invitationID).sort(\.$id).limit(1_000).all()
    }
}
