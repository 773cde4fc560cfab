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
        "join.page.password_rule", "join.page.join_as", "join.page.email",
    ]

    func show(_ req: Request) async throws -> Response {
        let token = try req.parameters.require("token")
        let (invitation, status): (JoinLink, InvitationStatus)
        do {
            (invitation, status) = try await JoinRedemption.link(token: token, reads: req.herald.hotReads, on: req.db)
        } catch let error as JoinLinkError {
            return try await errorPage(req, error, language: req.inviteeLanguage())
        }
        await InvitationTracking.markOpened(invitation.invitationID, openedAt: invitation.openedAt, on: req.db, logger: req.logger)
        let language = req.inviteeLanguage(invitation: invitation.language)
        if let problem = JoinLinkError(status: status) { return try await errorPage(req, problem, language: language) }
        return try await page(req, invitation, language: language, error: nil, status: .ok)
    }

    func join(_ req: Request) async throws -> Response {
        let token = try req.parameters.require("token")
        let client = req.clientAddress
        if let wait = req.herald.tokenRedemptionLimiter.retryAfter(key: "join:\(client)") {
            throw Abort.tooManyRequests(wait: wait, reason: "Too many attempts. Wait a few minutes.")
        }
        let (invitation, status): (JoinLink, InvitationStatus)
        do {
            (invitation, status) = try await JoinRedemption.link(token: token, reads: req.herald.hotReads, on: req.db)
        } catch let error as JoinLinkError {
            return try await errorPage(req, error, language: req.inviteeLanguage())
        }
        let language = req.inviteeLanguage(invitation: invitation.language)
        if let problem = JoinLinkError(status: status) { return try await errorPage(req, problem, language: language) }
        let form = try req.content.decode(JoinForm.self)
        let catalog = req.herald.catalog
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
            var problems = PasswordPolicy().problems(password: form.password ?? "", email: invitation.email)
            if PasswordPolicy.exceedsHashLimit(form.password ?? "") { problems = [catalog.text("join.error.password_long", language)] }
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
            throw Abort(.badRequest, reason: "mode: must be signin, create or join")
        }
        do {
            _ = try await JoinRedemption.accept(invitation, account: account, on: req.db)
        } catch let error as JoinLinkError {
            return try await errorPage(req, error, language: language)
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
            message: invitation.message, signedInAsInvitee: req.auth.get(Account.self)?.email == invitation.email, error: error
        )
        return (model, ["organization": model.organization, "inviter": inviter, "email": invitation.email, "role": model.role])
    }

    private func errorPage(_ req: Request, _ error: JoinLinkError, language: Language) async throws -> Response {
        try await req.renderInviteePage("link-error", language: language, titleKey: "link.error.title", keys: ["link.error.next"],
                                        ["message": req.herald.catalog.text(error.messageKey, language)], status: error.status)
    }
}
