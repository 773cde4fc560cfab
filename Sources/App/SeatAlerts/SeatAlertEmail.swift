import Foundation
import HeraldCore

/// The email of one seat alert or expiry warning, in the recipient's language, with a link to the key's page.
enum SeatAlertEmail {
    struct Facts: Sendable {
        let organization: String
        let keyName: String
        let product: String
        let usage: SeatUsage
        let expiresAt: Date?
        let keyURL: String
    }

    static func content(_ alert: SeatAlert, _ facts: Facts, language: Language, catalog: MessageCatalog) -> EmailContent {
        let number = { (value: Int) in value.formatted(.number.locale(Locale(identifier: language.rawValue))) }
        let arguments = [
            "organization": facts.organization, "key": facts.keyName, "product": facts.product,
            "used": number(facts.usage.used), "seats": number(facts.usage.seats), "free": number(facts.usage.free),
            "invited": number(facts.usage.invited), "date": facts.expiresAt.map { LocalizedDate.format($0, language) } ?? "",
        ]
        func t(_ key: String) -> String { catalog.text(key, language, arguments) }
        return EmailContent(
            subject: t("alert.\(alert.rawValue).subject"),
            greeting: t("email.greeting"),
            paragraphs: [t("alert.\(alert.rawValue).body")],
            action: (label: t("alert.action"), url: facts.keyURL),
            details: [(label: t("alert.seats"), value: t("alert.seats.value"))],
            footer: t("mail.footer")
        )
    }
}
