import Fluent
import Foundation
import HeraldCore
import MIME

/// Creates install invitations for one license key: per person an invitation with a personal download link, a
/// temporary activation code, and the email, all in one transaction, so a failure leaves nothing half-sent.
///
/// Works in chunks of `chunkSize` people, so memory stays flat from 10 to 100,000 recipients.
enum InstallInvitationBatch {
    static let chunkSize = 500

    struct Request: Sendable {
        var keyID: UUID
        var recipients: [EmailAddress]
        var language: Language
        var expiresAt: Date
        var inviterID: UUID?
        var actor: AuditActor
    }

    struct Result: Sendable {
        let batchID: UUID
        let count: Int
        let expiresAt: Date
    }

    /// What the invitation's `payload` holds: the key, and the code and link token sealed with the server's
    /// `SecretBox`. Lookups use the hashes in `activation_codes` and `invitations`; the sealed copy exists only
    /// for the download page and "Download invitations".
    struct Payload: Codable, Sendable {
        let licenseKeyID: UUID
        let secrets: String

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

    static func send(
        _ request: Request, services: HeraldServices, on db: any Database,
        progress: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws -> Result {
        guard let key = try await LicenseKey.find(request.keyID, on: db) else {
            throw ValidationProblems(["key: not found"], status: .notFound)
        }
        let organizationID = key.$organization.id
        guard let organization = try await Organization.find(organizationID, on: db) else { throw ValidationProblems(["organization: not found"]) }
        let sender = try await MailComposer.sender(for: organizationID, on: db)
        let catalog = try await MessageOverrides.catalog(for: organizationID, base: services.catalog, on: db)
        let batchID = UUID()
        let publicURL = services.configuration.publicURL
        let payloadPrefix = #"{"licenseKeyID":""# + request.keyID.uuidString + #"","secrets":""#

        try await db.transaction { db in
            var done = 0
            for chunk in request.recipients.chunked(chunkSize) {
                var invitations: [Invitation] = []
                var codes: [ActivationCodeRecord] = []
                var mails: [OutgoingMail] = []
                invitations.reserveCapacity(chunk.count)
                for address in chunk {
                    let token = TokenGenerator.newToken()
                    let code = ActivationCode.generate()
                    let invitation = Invitation()
                    invitation.id = UUID()
                    invitation.$organization.id = organizationID
                    invitation.$inviter.id = request.inviterID
                    invitation.batchID = batchID
                    invitation.kind = InvitationKind.install.rawValue
                    invitation.email = address.description
                    invitation.language = request.language.rawValue
                    invitation.status = InvitationStatus.pending.rawValue
                    invitation.tokenHash = TokenGenerator.hash(token)
                    // Base64 and a UUID need no JSON escaping, and this runs 100,000 times.
                    invitation.payload = payloadPrefix + (try services.secretBox.seal("\(code.normalized) \(token)")) + #""}"#
                    invitation.expiresAt = request.expiresAt
                    invitation.sentAt = Date()
                    invitations.append(invitation)

                    let record = ActivationCodeRecord()
                    record.id = UUID()
                    record.$invitation.id = invitation.id!
                    record.$licenseKey.id = request.keyID
                    record.codeHash = code.hash
                    record.status = ActivationCodeStatus.unused.rawValue
                    record.expiresAt = request.expiresAt
                    codes.append(record)

                    let content = InstallInvitationEmail.content(.init(
                        product: key.product, organization: organization.name,
                        downloadURL: ActivationURLs.downloadPage(token: token, base: publicURL),
                        code: code.description, expiresAt: request.expiresAt
                    ), language: request.language, catalog: catalog)
                    mails.append(services.composer.mail(
                        content, from: sender, to: Mailbox(address: address), organizationID: organizationID,
                        invitationID: invitation.id, batchID: batchID
                    ))
                }
                try await invitations.create(on: db)
                try await codes.create(on: db)
                try await Outbox.enqueue(mails, renderer: services.renderer, on: db)
                done += chunk.count
                progress(done)
            }
            try await AuditLog.record(
                on: db, organizationID: organizationID, actor: request.actor, action: "license.invitations.sent",
                targetType: "license_key", targetID: request.keyID, targetLabel: key.name,
                details: "\(request.recipients.count) install invitation(s), batch \(batchID.uuidString), expire \(DisplayDate.format(request.expiresAt))"
            )
        }
        return Result(batchID: batchID, count: request.recipients.count, expiresAt: request.expiresAt)
    }
}
