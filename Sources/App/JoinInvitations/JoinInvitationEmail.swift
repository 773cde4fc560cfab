import Foundation
import HeraldCore

/// The join invitation email, in the invitation's language: who invites, to what, the link, and the expiry.
struct JoinInvitationEmail {
    let catalog: MessageCatalog
    let configuration: Configuration

    func content(invitation: Invitation, token: String, organization: Organization, inviter: Account?) -> EmailContent {
        let language = Language(code: invitation.language) ?? .en
        let days = max(1, Int((invitation.expiresAt.timeIntervalSinceNow / 86_400).rounded()))
        let arguments = [
            "organization": organization.name,
            "inviter": inviter.map { "\($0.name) (\($0.email))" } ?? organization.name,
            "expiry": catalog.plural("common.days", count: days, language),
            "date": LocalizedDate.format(invitation.expiresAt, language),
        ]
        var paragraphs = [catalog.text("join.email.intro", language, arguments)]
        if let message = invitation.message {
            paragraphs.append(catalog.text("join.email.personal_message", language, arguments))
            paragraphs.append(message)
        }
        paragraphs.append(catalog.text("join.email.how", language, arguments))
        return EmailContent(
            subject: catalog.text("join.email.subject", language, arguments),
            greeting: catalog.text("email.greeting", language, arguments),
            paragraphs: paragraphs,
            action: (catalog.text("join.email.action", language, arguments), configuration.link("join", token)),
            closing: [catalog.text("join.email.expiry", language, arguments), catalog.text("join.email.ignore", language, arguments)],
            footer: catalog.text("mail.footer", language, arguments)
        )
    }
}

/// Dates in emails and invitee pages, written the way the reader's language writes them.
enum LocalizedDate {
    static func format(_ date: Date, _ language: Language) -> String {
        date.formatted(Date.FormatStyle(date: .long, time: .shortened, locale: Locale(identifier: language.rawValue), timeZone: .gmt)) + " UTC"
    }
}
