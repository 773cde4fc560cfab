import Fluent
import Foundation
import HeraldCore
import MIME
import Vapor

/// Withdrawing and resending one install invitation, so a leaked code can be taken back.
///
/// Both run under the key's `SeatLock`, the lock every activation takes: a code revoked or replaced is never
/// used by an activation that was already under way.
struct InstallInvitationChanges {
    let mailer: Mailer
    let secrets: InstallInvitationSecrets
    let seatLock: SeatLock

    /// The code and the download link stop working at once; the person is not emailed.
    func revoke(_ invitationID: UUID, organizationID: UUID, actor: AuditActor, on db: any Database, now: Date = Date()) async throws {
        let (_, keyID) = try await Self.find(invitationID, organizationID: organizationID, on: db)
        try await seatLock.withKeyLocked(keyID, on: db) { db in
            let (invitation, _) = try await Self.find(invitationID, organizationID: organizationID, on: db)
            try await invitation.withdraw(at: now, organizationID: organizationID, actor: actor, action: .installInvitationRevoked, on: db)
        }
    }

    /// A new activation code and download link, emailed; the old code and link stop working (their hashes are
    /// replaced), and the expiry restarts with the invitation's original validity.
    func resend(_ invitationID: UUID, organization: Organization, actor: AuditActor, on db: any Database, now: Date = Date()) async throws {
        let organizationID = try organization.requireID()
        let (_, keyID) = try await Self.find(invitationID, organizationID: organizationID, on: db)
        try await seatLock.withKeyLocked(keyID, on: db) { db in
            let (invitation, _) = try await Self.find(invitationID, organizationID: organizationID, on: db)
            guard let key = try await LicenseKey.find(keyID, on: db),
                  let code = try await ActivationCodeRecord.query(on: db).filter(\.$invitation.$id == invitationID).first()
            else { throw Abort(.notFound, reason: "invitation: its license key is gone") }
            guard try await Suppressions.suppressed(organizationID: organizationID, among: [invitation.email.lowercased()], on: db).isEmpty else {
                throw Abort(.conflict, reason: "email: " + Suppressions.refusal(invitation.email.lowercased()))
            }
            let validity = max(86_400, invitation.expiresAt.timeIntervalSince(invitation.createdAt ?? now))
            do {
                invitation.expiresAt = try InvitationLifecycle.resend(stored: invitation.status, expiresAt: invitation.expiresAt,
                                                                      now: now, validFor: validity)
            } catch { throw Abort(.conflict, reason: "invitation: \(error)") }
            // Kept so the old download link says a newer invitation was sent, in the invitation's language.
            if let old = invitation.tokenHash {
                try await SupersededLink(tokenHash: old, invitationID: invitationID, supersededAt: now).create(on: db)
            }
            let token = TokenGenerator.newToken()
            let newCode = ActivationCode.generate()
            invitation.tokenHash = TokenGenerator.hash(token)
            invitation.payload = try InstallInvitationBatch.Payload.make(keyID: keyID, code: newCode, token: token, box: secrets.box)
            invitation.status = .pending
            invitation.sentAt = nil
            try await invitation.save(on: db)
            code.codeHash = newCode.hash
            code.expiresAt = invitation.expiresAt
            try await code.save(on: db)

            let language = Language(code: invitation.language) ?? .en
            let content = InstallInvitationEmail.content(.init(
                product: key.product, organization: organization.name,
                downloadURL: ActivationURLs.downloadPage(token: token, base: secrets.publicURL),
                code: newCode.description, expiresAt: invitation.expiresAt
            ), language: language, catalog: try await mailer.catalog(for: organizationID, on: db))
            let sender = try await MailComposer.sender(for: organizationID, on: db)
            let mail = mailer.composer.mail(content, from: sender, to: Mailbox(address: try EmailAddress(invitation.email)),
                                            organizationID: organizationID, invitationID: invitation.id)
            try await mailer.outbox.enqueue([mail], on: db)
            try await InvitationHistory.record(.queued, invitationID: invitationID, organizationID: organizationID,
                                               detail: "resent with a new code", on: db, at: now)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .installInvitationResent,
                                      targetType: "invitation", targetID: invitation.id, targetLabel: invitation.email,
                                      details: "key \(key.name), new code, expires \(DisplayDate.expiry(invitation.expiresAt))")
        }
        mailer.wakeDelivery()
    }

    /// The organization's install invitation and its key.
    static func find(_ id: UUID, organizationID: UUID, on db: any Database) async throws -> (Invitation, keyID: UUID) {
        guard let invitation = try await Invitation.query(on: db).filter(\.$id == id).filter(\.$organization.$id == organizationID)
            .filter(\.$kind == .install).first(),
              let payload = InstallInvitationBatch.Payload.decode(invitation.payload)
        else { throw Abort(.notFound, reason: "invitation: not found in this organization") }
        return (invitation, payload.licenseKeyID)
    }
}
