import Fluent
import Foundation
import HeraldCore
import MIME
import Vapor

/// A message to queue, with what caused it.
package struct OutgoingMail: Sendable {
    var organizationID: UUID?
    var invitationID: UUID?
    var batchID: UUID?
    var message: MailMessage

    package init(organizationID: UUID?, invitationID: UUID? = nil, batchID: UUID? = nil, message: MailMessage) {
        self.organizationID = organizationID
        self.invitationID = invitationID
        self.batchID = batchID
        self.message = message
    }
}

/// Queues rendered messages as outbox rows. Call it on the transaction that makes the change the mail is about,
/// so the message exists exactly when the change does.
package struct Outbox: Sendable {
    let renderer: MessageRenderer
    /// Seals each rendered message before it is stored.
    let sealer: OutboxSealer
    /// The organization's daily limit (`MailQuota`), checked before anything is queued.
    var quota = MailQuota(perDay: nil)
    /// Signs each rendered message with its organization's active DKIM key for the From domain, once, here:
    /// the stored bytes are what every delivery attempt sends.
    var dkim: DKIMSigners? = nil

    /// Rows per INSERT: many rows per statement is what makes bulk invitations fast, and 500 rows × 17 columns
    /// stays well under SQLite's bound-parameter limit.
    static let insertChunk = 500

    /// The rendered message is stored sealed (`OutboxSealer`): it may carry a plain join link or activation code.
    ///
    /// Refused with 429 when the organization's daily quota (`MailQuota`) has no room for all of them, unless
    /// `withinQuota` is false: then they are counted but always queued.
    @discardableResult
    package func enqueue(_ mails: [OutgoingMail], on db: any Database, now: Date = Date(), withinQuota: Bool = true) async throws -> [OutboxMessage] {
        if withinQuota {
            for (organizationID, group) in Dictionary(grouping: mails, by: \.organizationID) {
                guard let organizationID else { continue }
                try await quota.reserve(group.count, organizationID: organizationID, now: now, on: db)
            }
        }
        let rows = try rows(for: mails, now: now, signing: try await signing(for: mails, on: db))
        for chunk in rows.chunked(Self.insertChunk) {
            try await Array(chunk).create(on: db)
        }
        return rows
    }

    /// The DKIM signers `rows(for:now:signing:)` needs for these messages.
    func signing(for mails: [OutgoingMail], on db: any Database) async throws -> DKIMSigning {
        guard let dkim else { return .none }
        return try await dkim.signing(for: mails.map(\.organizationID), on: db)
    }

    /// The rendered, signed, sealed, unsaved rows: separate so that bulk senders can render on other cores while
    /// inserting.
    func rows(for mails: [OutgoingMail], now: Date = Date(), signing: DKIMSigning = .none) throws -> [OutboxMessage] {
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
            row.status = .queued
            row.mailFrom = message.from.address.description
            row.recipients = message.to.map(\.address.description).joined(separator: ",")
            row.messageID = messageID
            row.subject = message.subject
            let rendered = try renderer.render(message)
            row.raw = try packer.seal(try signing.sign(rendered, organizationID: mail.organizationID, from: message.from.address, at: now))
            row.attempts = 0
            row.nextAttemptAt = now
            rows.append(row)
        }
        return rows
    }
}
