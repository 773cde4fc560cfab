import Vapor

/// The wording of the two-factor and re-authentication pages in the person's language: the account's language
/// if they chose one, else the browser's. Templates read it as `texts.<name>` for catalog key `twofactor.<name>`.
struct TwoFactorTexts: Encodable {
    let language: String
    let texts: [String: String]

    static let names = [
        "title", "code_label", "step_intro", "step_submit", "step_cancel", "status_on", "status_off", "required",
        "scan", "qr_title", "key", "uri", "confirm_intro", "confirm_submit", "recovery_title", "recovery_intro",
        "disable_title", "disable_intro", "disable_submit", "password_label", "org_title", "org_label", "org_save",
        "reauth_title", "reauth_intro", "reauth_code_label", "reauth_submit", "too_long",
    ]

    init(_ req: Request, account: Account?, arguments: [String: String] = [:]) {
        let language = Self.language(req, account: account)
        self.language = language.rawValue
        let catalog = req.herald.catalog
        var texts = Dictionary(uniqueKeysWithValues: Self.names.map { ($0, catalog.text("twofactor.\($0)", language, arguments)) })
        texts["skip"] = catalog.text("page.skip_to_content", language)
        self.texts = texts
    }

    static func language(_ req: Request, account: Account?) -> Language {
        account?.language.flatMap(Language.init(code:)) ?? Language.preferred(acceptLanguage: req.headers.first(name: .acceptLanguage))
    }

    /// One message in the person's language, for errors and notices.
    static func text(_ req: Request, account: Account?, _ name: String, _ arguments: [String: String] = [:]) -> String {
        req.herald.catalog.text("twofactor.\(name)", language(req, account: account), arguments)
    }
}
