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
            paragraphs: [t("install.mail.intro")],
            // One step a line in the catalog; a wording saved before as one line stays one step.
            steps: t("install.mail.steps").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            action: (label: t("install.mail.action"), url: parts.downloadURL),
            details: [(label: t("install.code"), value: parts.code), (label: t("install.validUntil"), value: date)],
            closing: [t("install.temporary")],
            footer: catalog.text("mail.footer", language, arguments)
        )
    }
}

extension InstallInvitationEmail {
    /// One batch's email, translated and rendered to text and HTML once, with the two personal values left as
    /// placeholders: building and HTML-escaping the whole email per person was most of a bulk invitation's cost.
    struct Template: Sendable {
        static let urlPlaceholder = "@@HERALD-DOWNLOAD-URL@@"
        static let codePlaceholder = "@@HERALD-ACTIVATION-CODE@@"

        let subject: String
        /// The rendered text and HTML cut at the placeholders, so that filling is only concatenation.
        private let text: [Piece]
        private let html: [Piece]

        private enum Piece: Sendable {
            case literal(String)
            case url
            case code
        }

        init(product: String, organization: String, expiresAt: Date, language: Language, catalog: MessageCatalog) {
            let content = InstallInvitationEmail.content(.init(
                product: product, organization: organization, downloadURL: Self.urlPlaceholder, code: Self.codePlaceholder,
                expiresAt: expiresAt
            ), language: language, catalog: catalog)
            subject = content.subject
            text = Self.pieces(content.text)
            html = Self.pieces(content.html)
        }

        /// The personal text and HTML. Codes and link tokens are letters, digits, `-` and `_`, so they need no
        /// escaping; the URL is passed escaped for HTML as `escapedURL`.
        func filled(downloadURL: String, code: String, escapedURL: String) -> (text: String, html: String) {
            (Self.join(text, url: downloadURL, code: code), Self.join(html, url: escapedURL, code: code))
        }

        private static func join(_ pieces: [Piece], url: String, code: String) -> String {
            var result = ""
            for piece in pieces {
                switch piece {
                case .literal(let text): result += text
                case .url: result += url
                case .code: result += code
                }
            }
            return result
        }

        private static func pieces(_ text: String) -> [Piece] {
            var pieces: [Piece] = []
            for (index, part) in text.components(separatedBy: urlPlaceholder).enumerated() {
                if index > 0 { pieces.append(.url) }
                for (inner, literal) in part.components(separatedBy: codePlaceholder).enumerated() {
                    if inner > 0 { pieces.append(.code) }
                    pieces.append(.literal(literal))
                }
            }
            return pieces
        }
    }
}
