import Fluent
import Foundation
import HeraldCore

/// A reminder is the invitation's own email, rendered again with the link (join) or the code (install) the person
/// already has, under a subject and first paragraph that say it is a reminder, in the invitation's language.
struct ReminderEmail {
    let catalog: MessageCatalog
    let configuration: Configuration
    let secrets: InstallInvitationSecrets

    /// nil when the invitation carries no sealed link or code (made before reminders existed): nothing to remind with.
    func content(_ invitation: Invitation, organization: Organization, on db: any Database) async throws -> EmailContent? {
        let language = Language(code: invitation.language) ?? .en
        var content: EmailContent
        switch invitation.kind {
        case .join:
            guard let token = JoinInvitations.linkToken(invitation, box: secrets.box) else { return nil }
            let inviter = try await invitation.$inviter.get(on: db)
            content = JoinInvitationEmail(catalog: catalog, configuration: configuration)
                .content(invitation: invitation, token: token, organization: organization, inviter: inviter)
        case .install:
            guard let payload = InstallInvitationBatch.Payload.decode(invitation.payload),
                  let (code, token) = payload.open(with: secrets.box),
                  let key = try await LicenseKey.find(payload.licenseKeyID, on: db) else { return nil }
            let display = ActivationCode(userInput: code)?.description ?? code
            content = InstallInvitationEmail.content(.init(
                product: key.product, organization: organization.name,
                downloadURL: ActivationURLs.downloadPage(token: token, base: secrets.publicURL),
                code: display, expiresAt: invitation.expiresAt
            ), language: language, catalog: catalog)
        case .client:
            return nil
        }
        let arguments = ["subject": content.subject, "date": LocalizedDate.format(invitation.expiresAt, language)]
        content.subject = catalog.text("reminder.email.subject", language, arguments)
        content.paragraphs.insert(catalog.text("reminder.email.intro", language, arguments), at: 0)
        return content
    }
}
