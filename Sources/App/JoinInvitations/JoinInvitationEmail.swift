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
            // A phrase per count, not a word put into a sentence: German says "in 7 Tagen" (dative), not "in 7 Tage".
            closing: [catalog.plural("join.email.expiry", count: days, language, arguments), catalog.text("join.email.ignore", language, arguments)],
            footer: catalog.text("mail.footer", language, arguments)
        )
    }
}

/// Dates in emails and invitee pages, written the way the reader's language writes them.
enum LocalizedDate {
    /// An expiry: a date-only one (the first instant after the day, see `DisplayDate.expiry`) as the day itself,
    /// "30. Juni 2027"; any other moment with its time, "30. Juni 2027 um 14:05 UTC".
    static func format(_ date: Date, _ language: Language) -> String {
        let locale = Locale(identifier: language.rawValue)
        if let day = CalendarDay(lastDayBefore: date) {
            return day.start.formatted(Date.FormatStyle(date: .long, time: .omitted, locale: locale, timeZone: .gmt))
        }
        return date.formatted(Date.FormatStyle(date: .long, time: .shortened, locale: locale, timeZone: .gmt)) + " UTC"
    }
}
