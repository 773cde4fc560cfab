import Fluent
import HeraldCore
import Vapor

/// `/console/sso` and `/api/v1/sso`: the organization's OpenID Connect provider. A refused save shows the form again
/// with every problem and what was typed (never the client secret).
struct SingleSignOnSettingsController {
    struct ViewModel: Encodable {
        var form: SingleSignOnSettingsInput
        var hasSecret = false
        var errors: [String] = []
        var redirectURI = ""
        var signInURL = ""
    }

    /// What the API and the form show: the settings without the secret.
    static func form(from settings: SingleSignOnSettings?) -> SingleSignOnSettingsInput {
        guard let settings else {
            return SingleSignOnSettingsInput(enabled: false, provider_name: "", issuer: "", client_id: "", client_secret: nil,
                                             allowed_domains: "", just_in_time: false, passwords_allowed: true)
        }
        return SingleSignOnSettingsInput(
            enabled: settings.enabled, provider_name: settings.providerName, issuer: settings.issuer, client_id: settings.clientID,
            client_secret: nil, allowed_domains: settings.allowedDomains, just_in_time: settings.justInTime,
            passwords_allowed: settings.passwordsAllowed)
    }

    func show(_ req: Request) async throws -> View {
        try await render(req, nil)
    }

    private func render(_ req: Request, _ model: ViewModel?) async throws -> View {
        let organizationID = try req.console.organizationID
        let settings = try await SingleSignOnStore.settings(of: organizationID, on: req.db)
        var content = model ?? ViewModel(form: Self.form(from: settings))
        content.hasSecret = settings != nil
        content.redirectURI = SingleSignOnController.redirectURI(req.herald)
        content.signInURL = Self.signInURL(req.herald, organizationID: organizationID)
        return try await req.renderPage("sso", section: .singleSignOn, content)
    }

    static func signInURL(_ services: HeraldServices, organizationID: UUID) -> String {
        services.configuration.publicURL.appendingPathComponent("signin").absoluteString + "?organization=\(organizationID.uuidString)"
    }

    func save(_ req: Request) async throws -> Response {
        let context = try req.console
        var input = try req.content.decode(SingleSignOnSettingsInput.self)
        // An unticked checkbox is not sent at all: here absent means off.
        input.enabled = input.enabled ?? false
        input.just_in_time = input.just_in_time ?? false
        input.passwords_allowed = input.passwords_allowed ?? false
        do {
            try await store(req).save(input, organizationID: context.organizationID, actor: context.actor, on: req.db)
        } catch let problems as ValidationProblems {
            input.client_secret = nil
            let response = try await render(req, ViewModel(form: input, errors: problems.problems)).encodeResponse(for: req).get()
            response.status = .badRequest
            return response
        }
        req.flash("Single sign-on settings saved.")
        return req.redirect(to: "/console/sso")
    }

    private func store(_ req: Request) -> SingleSignOnStore {
        SingleSignOnStore(box: req.herald.secretBox, allowHTTP: req.herald.configuration.singleSignOn.allowHTTP)
    }

    // MARK: API

    struct SettingsDTO: Content {
        let settings: SingleSignOnSettingsInput
        let hasClientSecret: Bool
        /// The address to register with the provider as the client's redirect URI.
        let redirectUri: String
        /// The sign-in page showing this organization's "Sign in with" button.
        let signInUrl: String
    }

    private func dto(_ req: Request, _ settings: SingleSignOnSettings, organizationID: UUID) -> SettingsDTO {
        SettingsDTO(settings: Self.form(from: settings), hasClientSecret: true, redirectUri: SingleSignOnController.redirectURI(req.herald),
                    signInUrl: Self.signInURL(req.herald, organizationID: organizationID))
    }

    func apiShow(_ req: Request) async throws -> SettingsDTO {
        let organizationID = try req.api.organizationID
        guard let settings = try await SingleSignOnStore.settings(of: organizationID, on: req.db) else {
            throw Abort(.notFound, reason: "sso: no identity provider is set up for this organization yet")
        }
        return dto(req, settings, organizationID: organizationID)
    }

    func apiSave(_ req: Request) async throws -> SettingsDTO {
        let context = try req.api
        let input = try req.content.decode(SingleSignOnSettingsInput.self)
        let saved = try await store(req).save(input, organizationID: context.organizationID, actor: context.actor, on: req.db)
        return dto(req, saved, organizationID: context.organizationID)
    }
}
