import Fluent
import Foundation
import HeraldCore
import MIME

/// Creates install invitations for one license key: per person an invitation with a personal download link, a
/// temporary activation code, and the email, in one transaction per chunk, so a failure leaves no invitation
/// without its code or email; the chunks before a failure stay sent.
///
/// Works in chunks of `chunkSize` people, so memory stays flat from 10 to 100,000 recipients, and other writers
/// get their turn between chunks. 2,000 rather than 500: each commit on SQLite checkpoints index pages that the
/// next chunk writes again, and 200 commits cost a 100,000-person batch a quarter more time than 50 (BENCHMARKS.md).
package enum InstallInvitationBatch {
    package static let chunkSize = 2_000

    package struct Request: Sendable {
        var keyID: UUID
        var recipients: [EmailAddress]
        var language: Language
        var expiresAt: Date
        var inviterID: UUID?
        var actor: AuditActor
        /// People per transaction; tests that watch other writers take turns between chunks use smaller ones.
        var chunkSize: Int

        package init(keyID: UUID, recipients: [EmailAddress], language: Language, expiresAt: Date, inviterID: UUID?, actor: AuditActor,
                     chunkSize: Int = InstallInvitationBatch.chunkSize) {
            self.keyID = keyID
            self.chunkSize = max(1, chunkSize)
            self.recipients = recipients
            self.language = language
            self.expiresAt = expiresAt
            self.inviterID = inviterID
            self.actor = actor
        }
    }

    package struct Result: Sendable {
        package let batchID: UUID
        let count: Int
        let expiresAt: Date
        /// Recipients not invited again, each with the reason.
        let skipped: [PendingInstallInvitations.Skipped]
    }

    /// What the invitation's `payload` holds: the key, and the code and link token sealed with the server's
    /// `SecretBox`. Lookups use the hashes in `activation_codes` and `invitations`; the sealed copy exists only
    /// for the download page and "Download invitations".
    struct Payload: Codable, Sendable {
        let licenseKeyID: UUID
        let secrets: String

        /// The stored JSON for one person's code and link token (a resend makes one; a batch writes the same
        /// shape by concatenation, see `prepareSerially`).
        static func make(keyID: UUID, code: ActivationCode, token: String, box: SecretBox) throws -> String {
            let payload = Payload(licenseKeyID: keyID, secrets: try box.seal("\(code.normalized) \(token)"))
            return String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        }

        static func decode(_ text: String?) -> Payload? {
            text.flatMap { try? JSONDecoder().decode(Payload.self, from: Data($0.utf8)) }
        }

        /// The code and the token, if the sealed copy opens.
        func open(with box: SecretBox) -> (code: String, token: String)? {
            guard let plain = try? box.open(secrets) else { return nil }
            let parts = plain.split(separator: " ")
            guard parts.count == 2 else { return nil }
            return (String(parts[0]), String(parts[1]))
        }
    }

    package static func send(
        _ request: Request, mailer: Mailer, secrets: InstallInvitationSecrets, turns: WriteQueue, on db: any Database,
        progress: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws -> Result {
        guard let key = try await LicenseKey.find(request.keyID, on: db) else {
            throw ValidationProblems(["key: not found"], status: .notFound)
        }
        let organizationID = key.$organization.id
        guard let organization = try await Organization.find(organizationID, on: db) else { throw ValidationProblems(["organization: not found"]) }
        // The organization's own wording where it has edited the template.
        let catalog = try await mailer.catalog(for: organizationID, on: db)
        let batch = Batch(
            id: UUID(), keyID: request.keyID, organizationID: organizationID,
            email: InstallInvitationEmail.Template(product: key.product, organization: organization.name, expiresAt: request.expiresAt,
                                                   language: request.language, catalog: catalog),
            sender: try await MailComposer.sender(for: organizationID, on: db), request: request,
            mailer: mailer, secrets: secrets,
            signing: try await mailer.outbox.dkim?.signing(for: [organizationID], on: db) ?? .none
        )
        let alerts = SeatAlerts(mailer: mailer, publicURL: secrets.publicURL, clock: SystemWallClock())
        // Batches for one key take turns in this application, so that two requests inviting the same address at once
        // cannot both see it free. The chunks are separate transactions: one for 100,000 people held SQLite's single
        // writer for seconds, and every other organization's write waited behind it.
        return try await turns.run(key: request.keyID) {
            let pending = try await PendingInstallInvitations.addresses(keyID: request.keyID, now: Date(), on: db)
            let suppressed = try await Suppressions.suppressed(organizationID: organizationID, among: request.recipients.map(\.normalized), on: db)
            let (recipients, skipped) = PendingInstallInvitations.split(request.recipients, pending: pending, suppressed: suppressed)
            guard !recipients.isEmpty else { throw ValidationProblems(skipped.map(\.problem), status: .conflict) }
            // The whole request against the quota before its first chunk: refused as a whole, never half-sent.
            try await mailer.outbox.quota.reserve(recipients.count, organizationID: organizationID, on: db)
            let chunks = recipients.chunked(request.chunkSize)
            // Pipelined: the next chunk's codes, hashes and emails are made on other cores while this one is inserted.
            var upcoming = chunks.first.map { chunk in Task { try await batch.prepare(chunk) } }
            var done = 0
            var mailed = false
            for index in chunks.indices {
                guard let prepared = try await upcoming?.value else { break }
                upcoming = index + 1 < chunks.count ? Task { [chunk = chunks[index + 1]] in try await batch.prepare(chunk) } : nil
                let last = index == chunks.count - 1
                mailed = try await db.transaction { db in
                    try await BulkInsert.prepareConnection(db)
                    let now = Date()
                    try await BulkInsert.invitations(prepared.invitations, on: db, now: now)
                    try await BulkInsert.activationCodes(prepared.codes, on: db, now: now)
                    try await BulkInsert.outboxMessages(prepared.messages, on: db, now: now)
                    try await WebhookEvents.emitCreated(prepared.invitations, organizationID: organizationID, on: db, now: now)
                    try await InvitationHistory.record(.queued, invitations: try prepared.invitations.map { (try $0.requireID(), organizationID) },
                                                       on: db, at: now)
                    // With the last chunk: whether the key's pending invitations now outnumber its free seats.
                    return last ? try await alerts.check(keyID: request.keyID, on: db) : false
                }
                done += prepared.invitations.count
                progress(done)
            }
            if mailed { mailer.wakeDelivery() }
            try await AuditLog.record(
                on: db, organizationID: organizationID, actor: request.actor, action: .licenseInvitationsSent,
                targetType: "license_key", targetID: request.keyID, targetLabel: key.name,
                details: "\(recipients.count) install invitation(s), batch \(batch.id.uuidString), expire \(DisplayDate.expiry(request.expiresAt))"
                    + (skipped.isEmpty ? "" : ", \(skipped.count) skipped (pending already or suppressed)")
            )
            return Result(batchID: batch.id, count: recipients.count, expiresAt: request.expiresAt, skipped: skipped)
        }
    }

    /// One chunk's rows, made but not yet saved.
    struct Prepared: Sendable {
        var invitations: [Invitation] = []
        var codes: [ActivationCodeRecord] = []
        var messages: [OutboxMessage] = []
    }

    /// What every invitation of one batch shares.
    struct Batch: Sendable {
        let id: UUID
        let keyID: UUID
        let organizationID: UUID
        let email: InstallInvitationEmail.Template
        let sender: Mailbox
        let request: Request
        let mailer: Mailer
        let secrets: InstallInvitationSecrets
        /// The organization's active DKIM keys, read once for the whole batch.
        let signing: DKIMSigning

        /// Splits the chunk in two halves made in parallel: tokens, hashes, sealing and MIME rendering are CPU work.
        func prepare(_ chunk: ArraySlice<EmailAddress>) async throws -> Prepared {
            let middle = chunk.startIndex + chunk.count / 2
            async let first = prepareSerially(chunk[chunk.startIndex..<middle])
            async let second = prepareSerially(chunk[middle..<chunk.endIndex])
            let (a, b) = try await (first, second)
            return Prepared(invitations: a.invitations + b.invitations, codes: a.codes + b.codes, messages: a.messages + b.messages)
        }

        private func prepareSerially(_ chunk: ArraySlice<EmailAddress>) async throws -> Prepared {
            var prepared = Prepared()
            var mails: [OutgoingMail] = []
            prepared.invitations.reserveCapacity(chunk.count)
            prepared.codes.reserveCapacity(chunk.count)
            mails.reserveCapacity(chunk.count)
            let payloadPrefix = #"{"licenseKeyID":""# + keyID.uuidString + #"","secrets":""#
            let publicURL = secrets.publicURL
            let now = Date()
            for address in chunk {
                let token = TokenGenerator.newToken()
                let code = ActivationCode.generate()
                let invitation = Invitation()
                invitation.id = UUID.timeOrdered()
                invitation.$organization.id = organizationID
                invitation.$inviter.id = request.inviterID
                invitation.batchID = id
                invitation.kind = .install
                invitation.email = address.description
                invitation.language = request.language.rawValue
                invitation.status = .pending
                invitation.tokenHash = TokenGenerator.hash(token)
                // Base64 and a UUID need no JSON escaping, and this runs 100,000 times.
                invitation.payload = payloadPrefix + (try secrets.box.seal("\(code.normalized) \(token)")) + #""}"#
                invitation.expiresAt = request.expiresAt
                invitation.sentAt = now
                prepared.invitations.append(invitation)

                let record = ActivationCodeRecord()
                record.id = UUID.timeOrdered()
                record.$invitation.id = try invitation.requireID()
                record.$licenseKey.id = keyID
                record.codeHash = code.hash
                record.status = .unused
                record.expiresAt = request.expiresAt
                prepared.codes.append(record)

                let url = ActivationURLs.downloadPage(token: token, base: publicURL)
                let body = email.filled(downloadURL: url, code: code.description, escapedURL: HTMLText.escape(url))
                mails.append(mailer.composer.mail(
                    subject: email.subject, text: body.text, html: body.html, from: sender, to: Mailbox(address: address),
                    organizationID: organizationID, invitationID: invitation.id, batchID: id
                ))
            }
            prepared.messages = try mailer.outbox.rows(for: mails, now: now, signing: signing)
            return prepared
        }
    }
}
