import Fluent
import HeraldCore
import Vapor

/// The invitee's personal download page: installers per platform and the temporary activation code, in the
/// invitation's language. A GET only reads: mail scanners open links too.
struct InstallPageController {
    struct Download: Encodable {
        let platform: String
        let url: String
    }

    struct ViewModel: Encodable {
        let state: String
        let downloads: [Download]
        let code: String?
        /// The organization's JWK Set, for a computer activated offline (`OfflineInstallPage`).
        var publicKeyURL: String? = nil
        /// Why an uploaded offline request was refused, in the page's language.
        var error: String? = nil
    }

    static let keys = ["install.page.intro", "install.page.noDownloads", "install.code", "install.page.codeHint",
                       "install.page.expired", "install.page.activated", "install.page.revoked", "install.page.unknown", "install.page.superseded",
                       "install.temporary", "install.offline.title", "install.offline.hint", "install.offline.file",
                       "install.offline.submit", "install.offline.keys"]

    func show(_ req: Request) async throws -> Response {
        try await page(req, error: nil)
    }

    /// The page; `error`, when an offline request uploaded on it was refused, in its language.
    func page(_ req: Request, error: ((Language) -> String)?) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let invitation = try await Invitation.query(on: req.db).filter(\.$tokenHash == TokenGenerator.hash(token))
            .filter(\.$kind == .install).first(),
              let payload = InstallInvitationBatch.Payload.decode(invitation.payload),
              let key = try await LicenseKey.find(payload.licenseKeyID, on: req.db),
              let organization = try await Organization.find(invitation.$organization.id, on: req.db)
        else {
            if let superseded = try await SupersededLink.query(on: req.db).filter(\.$id == TokenGenerator.hash(token)).with(\.$invitation).first(),
               superseded.invitation.kind == .install {
                // A resend gave this invitation a new link: say so in its language rather than "not valid".
                return try await req.renderInviteePage("install", language: req.inviteeLanguage(invitation: superseded.invitation.language),
                                                       titleKey: "link.error.title", keys: Self.keys,
                                                       ViewModel(state: "superseded", downloads: [], code: nil), status: .gone)
            }
            let language = req.inviteeLanguage()
            return try await req.renderInviteePage("install", language: language, titleKey: "install.page.unknownTitle", keys: Self.keys,
                                                   ViewModel(state: "unknown", downloads: [], code: nil), status: .notFound)
        }
        let language = req.inviteeLanguage(invitation: invitation.language)
        // Counted for the dashboard's funnel ("opened the link"); the invitation's state is untouched.
        await InvitationTracking.markOpened(try invitation.requireID(), openedAt: invitation.openedAt, on: req.db, logger: req.logger)
        let state = InvitationLifecycle.effectiveStatus(stored: invitation.status, expiresAt: invitation.expiresAt, now: Date())
        let code = state == .pending ? payload.open(with: req.herald.secretBox).flatMap { ActivationCode(userInput: $0.code)?.description } : nil
        let downloads = LicenseKeyStore.downloads(of: key).sorted { $0.key < $1.key }.map { Download(platform: $0.key, url: $0.value) }
        let arguments = ["product": key.product, "organization": organization.name,
                         "date": LocalizedDate.format(invitation.expiresAt, language)]
        return try await req.renderInviteePage(
            "install", language: language, titleKey: "install.page.title", keys: Self.keys, arguments: arguments,
            ViewModel(state: state == .accepted ? "activated" : state.rawValue, downloads: downloads, code: code,
                      publicKeyURL: ActivationURLs.publicKeys(organizationID: try organization.requireID(), base: req.herald.activation.publicURL),
                      error: error.map { $0(language) }),
            status: error != nil ? .badRequest : state == .pending ? .ok : .gone
        )
    }
}
