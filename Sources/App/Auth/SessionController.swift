import Fluent
import Vapor

/// Sign-in, sign-out and the organization switcher.
struct SessionController {
    struct SignInPage: Encodable {
        let csrf: String
        let email: String
        let error: String?
        let flash: String?
        /// "Sign in with <provider>" for the organization the page was opened for (`/signin?organization=ID`).
        var sso: SignInOffer? = nil
    }

    struct SignInForm: Content {
        var email: String
        var password: String
    }

    /// The same words for an unknown email and a wrong password: the page must not reveal who has an account.
    static let failedSignIn = "The email address or password is not correct."

    func form(_ req: Request) async throws -> Response {
        if req.auth.has(Account.self) { return req.redirect(to: "/console") }
        let flash = req.session.data["flash"]
        req.session.data["flash"] = nil
        var offer: SignInOffer?
        if req.url.query?.isEmpty == false, let id = (try? req.query.get(String.self, at: "organization")).flatMap(UUID.init(uuidString:)) {
            offer = try await SignInOffer.of(id, req: req)
        }
        let page = SignInPage(csrf: CSRF.token(for: req), email: "", error: nil, flash: flash, sso: offer)
        return try await req.view.render("signin", page).encodeResponse(for: req).get()
    }

    /// The sign-in page with a refusal (a failed single sign-on, passwords refused), `status` its answer's.
    static func signInPage(_ req: Request, email: String = "", error: String, offer: SignInOffer?, status: HTTPStatus) async throws -> Response {
        let page = SignInPage(csrf: CSRF.token(for: req), email: email, error: error, flash: nil, sso: offer)
        let response = try await req.view.render("signin", page).encodeResponse(for: req).get()
        response.status = status
        return response
    }

    func signIn(_ req: Request) async throws -> Response {
        let form = try req.content.decode(SignInForm.self)
        guard let account = try await PasswordCheck.verify(email: form.email, password: form.password, from: .init(req),
                                                           limits: req.herald.signInLimits, hasher: req.password.async, on: req.db)
        else {
            let page = SignInPage(csrf: CSRF.token(for: req), email: form.email, error: Self.failedSignIn, flash: nil)
            let response = try await req.view.render("signin", page).encodeResponse(for: req).get()
            response.status = .unauthorized
            return response
        }
        // An organization that signs in through its identity provider only: the right password is not enough (the
        // refusal comes after the check, so it tells nothing to someone who does not know the password).
        if let refusal = try await SingleSignOnStore.passwordRefusal(accountID: account.requireID(), on: req.db) {
            let language = req.inviteeLanguage()
            let message = req.herald.catalog.text("sso.error.passwords_refused", language,
                                                  ["organization": refusal.organization.name, "provider": refusal.providerName])
            return try await Self.signInPage(req, email: form.email, error: message, offer: SignInOffer(refusal, req: req), status: .forbidden)
        }
        if try await TwoFactor.isEnabled(for: try account.requireID(), on: req.db) {
            return try await SecondStepController.begin(for: account, req)
        }
        account.lastSignInAt = Date()
        try await account.save(on: req.db)
        let response = req.redirect(to: "/console")
        try await req.startSession(for: account, response: response)
        return response
    }

    func signOut(_ req: Request) async throws -> Response {
        req.auth.logout(Account.self)
        req.session.destroy()
        return req.redirect(to: "/signin")
    }

    struct SwitchForm: Content {
        var organization_id: UUID
    }

    func switchOrganization(_ req: Request) async throws -> Response {
        let form = try req.content.decode(SwitchForm.self)
        guard try req.console.organizations.contains(where: { $0.id == form.organization_id }) else {
            throw Abort(.forbidden, reason: "organization_id: you are not an active member of that organization")
        }
        req.session.data[Request.organizationSessionKey] = form.organization_id.uuidString
        return req.redirect(to: "/console")
    }
}
