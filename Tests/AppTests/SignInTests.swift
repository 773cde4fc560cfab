@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("Sign-in, CSRF and the organization switcher")
struct SignInTests {
    @Test("a wrong password and an unknown email get the same answer")
    func failuresDoNotRevealAccounts() async throws {
        try await withHerald { app in
            // given
            _ = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            var browser = BrowserSession(app)
            // when
            let wrongPassword = try await browser.post("/signin", form: ["email": "admin@example.com", "password": "Wrong-Horse-42"])
            let unknownEmail = try await browser.post("/signin", form: ["email": "nobody@example.com", "password": "Wrong-Horse-42"])
            // then
            #expect(wrongPassword.status == .unauthorized)
            #expect(unknownEmail.status == .unauthorized)
            #expect(wrongPassword.body.string.contains(SessionController.failedSignIn))
            #expect(unknownEmail.body.string.contains(SessionController.failedSignIn))
            #expect(try await browser.get("/console").status == .seeOther)
        }
    }

    @Test("sign-in is rate limited per address")
    func signInIsRateLimited() async throws {
        try await withHerald { app in
            _ = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            var browser = BrowserSession(app)
            for _ in 0..<10 {
                _ = try await browser.post("/signin", form: ["email": "admin@example.com", "password": "Wrong-Horse-42"])
            }
            // Even the right password is refused once the limit is reached.
            let limited = try await browser.post("/signin", form: ["email": "admin@example.com", "password": "Correct-Horse-42"])
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers.first(name: "Retry-After") != nil)
        }
    }

    @Test("a form without or with a forged CSRF token is refused and changes nothing")
    func csrfIsEnforced() async throws {
        try await withHerald { app in
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let missing = try await browser.post("/console/api-tokens", form: ["name": "ci"], csrf: .some(nil))
            let forged = try await browser.post("/console/api-tokens", form: ["name": "ci"], csrf: "forged-token")
            #expect(missing.status == .forbidden)
            #expect(forged.status == .forbidden)
            #expect(forged.body.string.contains("CSRF"))
            #expect(try await APIToken.query(on: app.db).count() == 0)
        }
    }

    @Test("the session cookie is HttpOnly and SameSite=Lax, Secure over https")
    func cookieFlags() async throws {
        try await withHerald { app in
            _ = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
            var browser = BrowserSession(app)
            let response = try await browser.post("/signin", form: ["email": "admin@example.com", "password": "Correct-Horse-42"])
            let cookie = try #require(response.headers.setCookie?["herald_session"])
            #expect(cookie.isHTTPOnly)
            #expect(cookie.isSecure)
            #expect(cookie.sameSite == .lax)
        }
    }

    @Test("a person in two organizations switches between them, and only to their own")
    func organizationSwitcher() async throws {
        try await withHerald { app in
            // given
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator(email: "ada@example.com", organization: "Acme")
            let second = try await TestData.administrator(app, email: "ada@example.com", password: "Correct-Horse-42", organization: "Globex")
            let foreign = try await TestData.administrator(app, email: "eve@example.com", password: "Correct-Horse-42", organization: "Initech")
            // when
            let switched = try await browser.post("/console/organization", form: ["organization_id": try second.organization.requireID().uuidString], csrfFrom: "/console")
            let page = try await browser.get("/console/members")
            let refused = try await browser.post("/console/organization", form: ["organization_id": try foreign.organization.requireID().uuidString], csrfFrom: "/console")
            // then
            #expect(switched.status == .seeOther)
            #expect(page.body.string.contains("<option value=\"\(try second.organization.requireID().uuidString)\" selected>Globex</option>"))
            #expect(refused.status == .forbidden)
        }
    }
}
