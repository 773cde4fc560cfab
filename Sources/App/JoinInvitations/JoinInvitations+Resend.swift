import Fluent
import Foundation
import HeraldCore
import MIME
import Vapor

extension JoinInvitations {
    /// Sends a new link: the old token stops working (its hash is replaced, and kept as a `SupersededLink` so the old
    /// link can say a newer invitation was sent) and the expiry restarts with the invitation's original validity.
    func resend(_ invitationID: UUID, organization: Organization, inviter: Account?, actor: AuditActor, on db: any Database, now: Date = Date()) async throws {
        let organizationID = try organization.requireID()
        try await db.transaction { db in
            let invitation = try await Self.find(invitationID, organizationID: organizationID, on: db)
            guard try await Suppressions.suppressed(organizationID: organizationID, among: [invitation.email], on: db).isEmpty else {
                throw Abort(.conflict, reason: "email: " + Suppressions.refusal(invitation.email))
            }
            let validity = Double(Self.validDays(invitation) ?? 7) * 86_400
            do {
                invitation.expiresAt = try InvitationLifecycle.resend(stored: invitation.status,
                                                                      expiresAt: invitation.expiresAt, now: now, validFor: validity)
            } catch { throw Abort(.conflict, reason: "invitation: \(error)") }
            if let old = invitation.tokenHash {
                try await SupersededLink(tokenHash: old, invitationID: try invitation.requireID(), supersededAt: now).create(on: db)
            }
            let token = TokenGenerator.newToken()
            invitation.tokenHash = TokenGenerator.hash(token)
            invitation.payload = try Self.payload(validDays: Self.validDays(invitation) ?? 7, token: token, box: linkBox)
            invitation.status = .pending
            invitation.sentAt = nil
            try await invitation.save(on: db)
            let catalog = try await mailer.catalog(for: organizationID, on: db)
            let content = JoinInvitationEmail(catalog: catalog, configuration: configuration)
                .content(invitation: invitation, token: token, organization: organization, inviter: invitation.inviter ?? inviter)
            let sender = try await MailComposer.sender(for: organizationID, on: db)
            let mail = mailer.composer.mail(content, from: sender, to: Mailbox(address: try EmailAddress(invitation.email)),
                                            organizationID: organizationID, invitationID: invitation.id)
            try await mailer.outbox.enqueue([mail], on: db)
            try await InvitationHistory.record(.queued, invitationID: try invitation.requireID(), organizationID: organizationID,
                                               detail: "resent with a new link", on: db, at: now)
            try await AuditLog.record(on: db, organizationID: organizationID, actor: actor, action: .joinInvitationResent,
                                      targetType: "invitation", targetID: invitation.id, targetLabel: invitation.email)
        }
        mailer.wakeDelivery()
    }

    func revoke(_ invitationID: UUID, organizationID: UUID, actor: AuditActor, on db: any Database, now: Date = Date()) async throws {
        try await db.transaction { db in
            let invitation = try await Self.find(invitationID, organizationID: organizationID, on: db)
            try await invitation.withdraw(at: now, organizationID: organizationID, actor: actor, action: .joinInvitationRevoked, on: db)
        }
    }

    /// What a join invitation's `payload` holds: the validity chosen, and the link token sealed (absent in
    /// invitations made before reminders, which then are not reminded).
    struct Payload: Codable {
        let valid_days: Int
        var link: String?
    }

    static func payload(validDays: Int, token: String, box: SecretBox?) throws -> String {
        let payload = Payload(valid_days: validDays, link: try box?.seal(token))
        return String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
    }

    private static func decodedPayload(_ invitation: Invitation) -> Payload? {
        invitation.payload.flatMap { try? JSONDecoder().decode(Payload.self, from: Data($0.utf8)) }
    }

    /// The validity chosen at invitation time, from the payload.
    static func validDays(_ invitation: Invitation) -> Int? {
        decodedPayload(invitation).map { min(max($0.valid_days, 1), maximumExpiryDays) }
    }

    /// The current link token, if it was sealed and the box opens it.
    static func linkToken(_ invitation: Invitation, box: SecretBox) -> String? {
        decodedPayload(invitation)?.link.flatMap { try? box.open($0) }
    }

    static func find(_ id: UUID, organizationID: UUID, on db: any Database) async throws -> Invitation {
        guard let invitation = try await Invitation.query(on: db).filter(\.$id == id).filter(\.$organization.$id == organizationID)
            .filter(\.$kind == .join).with(\.$inviter).first()
        else { throw Abort(.notFound, reason: "invitation: not found in this organization") }
        return invitation
    }
}
