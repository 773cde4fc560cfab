import Fluent
import Vapor

/// The sign-in step after a correct password for an account with two-factor sign-in: a code from the authenticator
/// app or a recovery code. Until it succeeds the session holds only who is signing in and since when, not a
/// signed-in account.
struct SecondStepController {
    static let accountKey = "two_factor_account"
    static let startedKey = "two_factor_started"
    /// How long the password step counts for: after that the person starts again from the password.
    static let validity: TimeInterval = 5 * 60

    struct StepPage: Encodable {
        let csrf: String
        let error: String?
        let page: TwoFactorTexts
    }

    /// Called by the password step: a fresh session (see `Request.startSession`) that remembers only the pending account.
    /// `then` and `organizationID`: where the console opens once the code is right (joining an organization opens
    /// its welcome page).
    static func begin(for account: Account, _ req: Request, then: String = "/console", organizationID: UUID? = nil) async throws -> Response {
        try await req.renewSession()
        req.session.data[accountKey] = try account.requireID().uuidString
        req.session.data[startedKey] = String(Int(req.herald.clock.now.timeIntervalSince1970))
        req.session.data[thenKey] = then
        req.session.data[Request.organizationSessionKey] = organizationID?.uuidString
        return req.redirect(to: "/signin/code")
    }

    static let thenKey = "two_factor_then"

    /// The account whose password was just entered, or nil when there is none or it is too old.
    static func pendingAccount(_ req: Request) async throws -> Account? {
        guard let id = req.session.data[accountKey].flatMap(UUID.init(uuidString:)),
              let started = req.session.data[startedKey].flatMap(Int.init),
              req.herald.clock.now.timeIntervalSince1970 - Double(started) <= validity
        else { return nil }
        return try await Account.find(id, on: req.db)
    }

    func form(_ req: Request) async throws -> Response {
        guard let account = try await Self.pendingAccount(req) else { return expired(req) }
        return try await render(req, account: account, error: nil, status: .ok)
    }

    struct CodeForm: Content {
        var code: String
    }

    func verify(_ req: Request) async throws -> Response {
        guard let account = try await Self.pendingAccount(req) else { return expired(req) }
        let form = try req.content.decode(CodeForm.self)
        let outcome: TwoFactor.Outcome
        do {
            outcome = try await CodeGuessLimit.check(form.code, account: account, req)
        } catch let limited as CodeGuessLimit.Limited {
            let response = try await render(req, account: account, error: limited.message, status: .tooManyRequests)
            response.headers.replaceOrAdd(name: .retryAfter, value: String(limited.seconds))
            return response
        }
        switch outcome {
        case .wrong:
            return try await render(req, account: account, error: TwoFactorTexts.text(req, account: account, "step_wrong"), status: .unauthorized)
        case .authenticatorCode, .recoveryCode:
            account.lastSignInAt = Date()
            try await account.save(on: req.db)
            let then = req.session.data[Self.thenKey] == "/console/welcome" ? "/console/welcome" : "/console"
            let organization = req.session.data[Request.organizationSessionKey]
            let response = req.redirect(to: then)
            try await req.startSession(for: account, response: response)
            req.session.data[Request.organizationSessionKey] = organization
            if case .recoveryCode(let remaining) = outcome {
                req.flash(TwoFactorTexts.text(req, account: account, "recovery_used", ["count": String(remaining)]))
            }
            return response
        }
    }

    private func render(_ req: Request, account: Account, error: String?, status: HTTPStatus) async throws -> Response {
        let page = StepPage(csrf: CSRF.token(for: req), error: error, page: TwoFactorTexts(req, account: account))
        let response = try await req.view.render("signin-code", page).encodeResponse(for: req).get()
        response.status = status
        return response
    }

    private func expired(_ req: Request) -> Response {
        req.session.data[Self.accountKey] = nil
        req.session.data[Self.startedKey] = nil
        req.flash(TwoFactorTexts.text(req, account: nil, "step_expired"))
        return req.redirect(to: "/signin")
    }
}
