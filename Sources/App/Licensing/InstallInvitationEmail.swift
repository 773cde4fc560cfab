import Foundation

/// The install invitation email: instructions, the personal download link and the temporary code, in the
/// invitation's language. It never contains the real license key.
enum InstallInvitationEmail {
    struct Parts: Sendable {
        let product: String
        let organization: String
        let downloadURL: String
        let code: String
        let expiresAt: Date
    }

    static func content(_ parts: Parts, language: Language, catalog: MessageCatalog) -> EmailContent {
        let date = LocalizedDate.format(parts.expiresAt, language)
        let arguments = ["product": parts.product, "organization": parts.organization, "date": date]
        func t(_ key: String) -> String { catalog.text(key, language, arguments) }
        return EmailContent(
            subject: t("install.mail.subject"),
            greeting: t("install.mail.greeting"),
            paragraphs: [t("install.mail.intro"), t("install.mail.steps")],
            action: (label: t("install.mail.action"), url: parts.downloadURL),
            details: [(label: t("install.code"), value: parts.code), (label: t("install.validUntil"), value: date)],
            closing: [t("install.temporary")],
            footer: catalog.text("mail.footer", language, arguments)
        )
    }
}
