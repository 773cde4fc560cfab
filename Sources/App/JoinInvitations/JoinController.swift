import Fluent
import HeraldCore
import Vapor

/// The page behind a join link. GET only shows (mail scanners open links); joining is a POST.
struct JoinController {
    struct ViewModel: Encodable {
        let organization: String
        let inviter: String
        let email: String
        let role: String
        let message: String?
        let signedInAsInvitee: Bool
        let error: String?
        /// "Join with <provider>" when the organization signs in through an identity provider.
        var sso: SignInOffer? = nil
        /// The organization refuses passwords: joining is through its provider only.
        var ssoOnly = false
    }

    struct JoinForm: Content {
        /// `signin` (existing account), `create` (new account) or `join` (already signed in as the invitee).
        var mode: String
        var password: String?
        var name: String?
        var password_confirmation: String?
    }

    static let pageKeys = [
        "join.page.intro", "join.page.role", "join.page.message", "join.page.signin.title", "join.page.signin.button",
        "join.page.create.title", "join.page.create.button", "join.page.name", "join.page.password", "join.page.password_confirmation",
        "join.page.password_rule", "join.page.join_as", "join.page.email", "join.page.sso.title",
    ]

    func show(_ req: Request) async throws -> Response {
        let token = try req.parameters.require("token")
        let (invitation, status): (JoinLink, InvitationStatus)
        do {
            (invitation, status) = try await JoinRedemption.link(token: token, reads: req.herald.hotReads, on: req.db)
        } catch JoinLinkError.unknown {
            return try await unknownLinkPage(req, token: token)
        }
        await InvitationTracking.markOpened(invitation.invitationID, openedAt: invitation.openedAt, on: req.db, logger: req.logger)
        let language = req.inviteeLanguage(invitation: invitation.language)
        if let problem = JoinLinkError(status: status) { return try await errorPage(req, problem, invitation) }
        return try await page(req, invitation, language: language, error: nil, status: .ok)
    }

    func join(_ req: Request) async throws -> Response {
        let token = try req.parameters.require("token")
        let client = req.clientAddress
        if let wait = req.herald.tokenRedemptionLimiter.retryAfter(key: "join:\(client)") {
            throw InviteeProblem.tooManyAttempts(wait: wait)
        }
        let (invitation, status): (JoinLink, InvitationStatus)
        do {
            (invitation, status) = try await JoinRedemption.link(token: token, reads: req.herald.hotReads, on: req.db)
        } catch JoinLinkError.unknown {
            return try await unknownLinkPage(req, token: token)
        }
        let language = req.inviteeLanguage(invitation: invitation.language)
        req.rememberInviteeLanguage(language)
        if let problem = JoinLinkError(status: status) { return try await errorPage(req, problem, invitation) }
        let form = try req.content.decode(JoinForm.self)
        let catalog = req.herald.catalog
        // An organization without passwords is joined through its identity provider (or as the signed-in invitee).
        if invitation.ssoOnly, form.mode != "join", let provider = invitation.ssoProvider {
            let refusal = catalog.text("sso.error.passwords_refused", language, ["organization": invitation.organizationName, "provider": provider])
            return try await page(req, invitation, language: language, error: refusal, status: .forbidden)
        }
        let account: Account
        switch form.mode {
        case "join":
            guard let current = req.auth.get(Account.self), current.email == invitation.email else {
                return try await page(req, invitation, language: language, error: catalog.text("join.error.signin_first", language), status: .unauthorized)
            }
            account = current
        case "signin":
            guard let existing = try await PasswordCheck.verify(email: invitation.email, password: form.password ?? "", from: .init(req),
                                                                limits: req.herald.signInLimits, hasher: req.password.async, on: req.db)
            else {
                return try await page(req, invitation, language: language, error: catalog.text("join.error.password", language), status: .unauthorized)
            }
            account = existing
        case "create":
            let name = (form.name ?? "").trimmingCharacters(in: .whitespaces)
            var problems = PasswordPolicy().problems(password: form.password ?? "", email: invitation.email).map { catalog.text($0, language) }
            if name.isEmpty || name.count > 200 {
                problems.insert(catalog.text("join.error.name", language), at: 0)
            } else if SafeText.problem(name, .oneLine) != nil {
                problems.insert(catalog.text("join.error.name_characters", language), at: 0)
            }
            if form.password != form.password_confirmation { problems.append(catalog.text("join.error.confirmation", language)) }
            guard problems.isEmpty else {
                return try await page(req, invitation, language: language, error: problems.joined(separator: " "), status: .unprocessableEntity)
            }
            // The link holder proved they own the invited address, so telling them it has an account reveals nothing new.
            if try await Account.find(email: invitation.email, on: req.db) != nil {
                return try await page(req, invitation, language: language, error: catalog.text("join.error.exists", language), status: .conflict)
            }
            account = Account(email: invitation.email, name: name, passwordHash: try await req.password.async.hash(form.password ?? ""))
            try await account.create(on: req.db)
        default:
            throw InviteeProblem(.badRequest, "invitee.error.form")
        }
        do {
            _ = try await JoinRedemption.accept(invitation, account: account, on: req.db)
        } catch let error as JoinLinkError {
            return try await errorPage(req, error, invitation)
        }
        if req.auth.get(Account.self)?.id != account.id, try await TwoFactor.isEnabled(for: try account.requireID(), on: req.db) {
            // Joined with the password; the console still waits for the second factor.
            return try await SecondStepController.begin(for: account, req, then: "/console/welcome", organizationID: invitation.organizationID)
        }
        let response = req.redirect(to: "/console/welcome")
        if req.auth.get(Account.self)?.id != account.id { try await req.startSession(for: account, response: response) }
        req.session.data[Request.organizationSessionKey] = invitation.organizationID.uuidString
        return response
    }

    private func page(_ req: Request, _ invitation: JoinLink, language: Language, error: String?, status: HTTPStatus) async throws -> Response {
        let (model, arguments) = pageModel(req, invitation, language: language, error: error)
        return try await req.renderInviteePage("join", language: language, titleKey: "join.page.title", keys: Self.pageKeys,
                                               arguments: arguments, model, status: status)
    }

    func pageModel(_ req: Request, _ invitation: JoinLink, language: Language, error: String?) -> (ViewModel, [String: String]) {
        let inviter = invitation.inviterLabel
        let model = ViewModel(
            organization: invitation.organizationName, inviter: inviter, email: invitation.email,
            role: req.herald.catalog.text(invitation.role == .administrator ? "role.administrator" : "role.member", language),
            message: invitation.message, signedInAsInvitee: req.auth.get(Account.self)?.email == invitation.email, error: error,
            sso: invitation.ssoProvider.map { provider in
                SignInOffer(label: req.herald.catalog.text("join.page.sso.button", language, ["provider": provider]),
                            url: "/sso/join/\(req.parameters.get("token") ?? "")")
            },
            ssoOnly: invitation.ssoOnly
        )
        return (model, ["organization": model.organization, "inviter": inviter, "email": invitation.email, "role": model.role])
    }

    /// A link not found may be one a resend replaced: then say so, in the invitation's language.
    private func unknownLinkPage(_ req: Request, token: String) async throws -> Response {
        if let superseded = try await JoinLink.superseded(token: token, reads: req.herald.hotReads, on: req.db) {
            return try await errorPage(req, .superseded, superseded)
        }
        return try await errorPage(req, .unknown, nil)
    }

    private func errorPage(_ req: Request, _ error: JoinLinkError, _ invitation: JoinLink?) async throws -> Response {
        let language = req.inviteeLanguage(invitation: invitation?.language)
        let catalog = req.herald.catalog
        let arguments = invitation.map { ["organization": $0.organizationName, "email": $0.email] } ?? [:]
        let content = LinkProblem(
            message: catalog.text(error.messageKey, language, arguments), next: catalog.text(error.nextKey, language, arguments),
            action: error.offersSignIn ? .init(label: catalog.text("join.used.signin", language), url: "/signin") : nil
        )
        return try await req.renderInviteePage("link-error", language: language, titleKey: "link.error.title", keys: [], content,
                                               status: error.status)
    }
}
