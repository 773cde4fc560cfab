import Fluent
import Vapor

/// Sign-in, sign-out and the organization switcher.
struct SessionController {
    struct SignInPage: Encodable {
        let csrf: String
        let email: String
        let error: String?
        let flash: String?
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
        return try await req.view.render("signin", SignInPage(csrf: CSRF.token(for: req), email: "", error: nil, flash: flash)).encodeResponse(for: req).get()
    }

    func signIn(_ req: Request) async throws -> Response {
        let form = try req.content.decode(SignInForm.self)
        let email = form.email.trimmingCharacters(in: .whitespaces).lowercased()
        let client = req.clientAddress
        // Count per address and per client, so neither one account nor one client can be hammered.
        for (limiter, key) in [(req.herald.signInLimiter, "signin:email:\(email)"), (req.herald.signInClientLimiter, "signin:client:\(client)")] {
            if let wait = await limiter.retryAfter(key: key) {
                throw Abort(.tooManyRequests, headers: ["Retry-After": String(Int(wait.rounded(.up)))],
                            reason: "Too many sign-in attempts. Try again in \(Int(wait / 60) + 1) minute(s).")
            }
        }
        let account = try await Account.find(email: email, on: req.db)
        // Verify against a dummy hash for unknown emails so the response time does not reveal which exist.
        let hash = account?.passwordHash ?? Self.dummyHash
        let matches = (try? await req.password.async.verify(form.password, created: hash)) ?? false
        guard let account, matches else {
            let page = SignInPage(csrf: CSRF.token(for: req), email: form.email, error: Self.failedSignIn, flash: nil)
            let response = try await req.view.render("signin", page).encodeResponse(for: req).get()
            response.status = .unauthorized
            return response
        }
        await req.herald.signInLimiter.reset(key: "signin:email:\(email)")
        account.lastSignInAt = Date()
        try await account.save(on: req.db)
        // A fresh session id and data on sign-in defeat session fixation.
        if let oldID = req.session.id {
            try await req.application.sessions.driver.deleteSession(oldID, for: req).get()
            req.session.id = nil
        }
        req.session.data = SessionData()
        req.auth.login(account)
        return req.redirect(to: "/console")
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

    /// bcrypt of a random string nobody knows; verifying against it costs the same as a real account.
    static let dummyHash = "$2b$12$C6UzMDM.H6dfI/f/IKxGhuP6kHhIzpM1GsKkQWh7d3Y3wH1b6Zb1e"
}
