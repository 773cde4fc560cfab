import Fluent
import Foundation
import MIME

/// Turns `EmailContent` into an outbox-ready message from the organization's sender.
struct MailComposer: Sendable {
    let renderer: MessageRenderer

    /// The organization's sender (mail settings, or the default for the file transport).
    static func sender(for organizationID: UUID, on db: any Database) async throws -> Mailbox {
        let settings = try await MailSettingsStore.settings(for: organizationID, on: db)
        return Mailbox(address: try EmailAddress(settings.senderAddress), displayName: settings.senderName)
    }

    func mail(_ content: EmailContent, from sender: Mailbox, to recipient: Mailbox, organizationID: UUID?,
              invitationID: UUID? = nil, batchID: UUID? = nil) -> OutgoingMail {
        mail(subject: content.subject, text: content.text, html: content.html, from: sender, to: recipient,
             organizationID: organizationID, invitationID: invitationID, batchID: batchID)
    }

    /// For bulk senders that render one template per batch and fill in each person's values.
    func mail(subject: String, text: String, html: String, from sender: Mailbox, to recipient: Mailbox, organizationID: UUID?,
              invitationID: UUID? = nil, batchID: UUID? = nil) -> OutgoingMail {
        OutgoingMail(organizationID: organizationID, invitationID: invitationID, batchID: batchID, message: MailMessage(
            from: sender, to: [recipient], subject: subject, textBody: text, htmlBody: html,
            // Marks these as automated (RFC 3834) so auto-responders do not answer invitations.
            extraHeaders: [(name: "Auto-Submitted", value: "auto-generated")]
        ))
    }
}
