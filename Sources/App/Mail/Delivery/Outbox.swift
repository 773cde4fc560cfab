import Fluent
import Foundation
import HeraldCore
import MIME
import Vapor

/// A message to queue, with what caused it.
struct OutgoingMail: Sendable {
    var organizationID: UUID?
    var invitationID: UUID?
    var batchID: UUID?
    var message: MailMessage
}

/// Queues rendered messages as outbox rows. Call it on the transaction that makes the change the mail is about,
/// so the message exists exactly when the change does.
struct Outbox: Sendable {
    let renderer: MessageRenderer
    /// Seals each rendered message before it is stored.
    let sealer: OutboxSealer

    /// Rows per INSERT: many rows per statement is what makes bulk invitations fast, and 500 rows × 17 columns
    /// stays well under SQLite's bound-parameter limit.
    static let insertChunk = 500

    /// The rendered message is stored sealed (`OutboxSealer`): it may carry a plain join link or activation code.
    @discardableResult
    func enqueue(_ mails: [OutgoingMail], on db: any Database, now: Date = Date()) async throws -> [OutboxMessage] {
        let rows = try rows(for: mails, now: now)
        for chunk in rows.chunked(Self.insertChunk) {
            try await Array(chunk).create(on: db)
        }
        return rows
    }

    /// The rendered, sealed, unsaved rows: separate so that bulk senders can render on other cores while inserting.
    func rows(for mails: [OutgoingMail], now: Date = Date()) throws -> [OutboxMessage] {
        var packer = try sealer.packer()
        var rows: [OutboxMessage] = []
        rows.reserveCapacity(mails.count)
        for mail in mails {
            var message = mail.message.withStoredTextScrubbed()
            let messageID = message.messageID ?? renderer.newMessageID()
            message.messageID = messageID
            let row = OutboxMessage()
            row.id = UUID.timeOrdered()
            row.$organization.id = mail.organizationID
            row.$invitation.id = mail.invitationID
            row.batchID = mail.batchID
            row.status = OutboxStatus.queued.rawValue
            row.mailFrom = message.from.address.description
            row.recipients = message.to.map(\.address.description).joined(separator: ",")
            row.messageID = messageID
            row.subject = message.subject
            row.raw = try packer.seal(try renderer.render(message))
            row.attempts = 0
            row.nextAttemptAt = now
            rows.append(row)
        }
        return rows
    }
}
