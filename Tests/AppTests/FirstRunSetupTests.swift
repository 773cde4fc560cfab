@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

@Suite("First-run setup link")
struct FirstRunSetupTests {
    @Test("the printed link creates the first administrator once, then is gone")
    func setupLinkWorksOnce() async throws {
        try await withHerald { app in
            // given
            let link = try #require(try await FirstRunSetup.linkIfNeeded(app: app))
            #expect(link.hasPrefix("https://herald.test/setup/"))
            let path = String(link.dropFirst("https://herald.test".count))
            var browser = BrowserSession(app)
            // when
            let form = ["organization": "Acme", "name": "Ada", "email": "Ada@Example.com",
                        "password": "Correct-Horse-42", "password_confirmation": "Correct-Horse-42"]
            let created = try await browser.post(path, form: form, csrfFrom: path)
            // then
            #expect(created.status == .seeOther)
            #expect(created.headers.first(name: .location) == "/console")
            #expect(try await browser.get("/console").status == .ok)
            let account = try #require(try await Account.find(email: "ada@example.com", on: app.db))
            #expect(account.passwordHash != "Correct-Horse-42")
            #expect(try await FirstRunSetup.administratorExists(on: app.db))
            #expect(try await FirstRunSetup.linkIfNeeded(app: app) == nil)
            var stranger = BrowserSession(app)
            #expect(try await stranger.get(path).status == .gone)
        }
    }

    @Test("an expired link is refused with 410 and a way forward")
    func expiredLinkIsGone() async throws {
        try await withHerald { app in
            // given
            let link = try #require(try await FirstRunSetup.linkIfNeeded(app: app))
            let token = try #require(try await SetupToken.query(on: app.db).first())
            token.expiresAt = Date().addingTimeInterval(-1)
            try await token.save(on: app.db)
            // when
            var browser = BrowserSession(app)
            let page = try await browser.get(String(link.dropFirst("https://herald.test".count)))
            // then
            #expect(page.status == .gone)
            #expect(page.body.string.contains("expired"))
            #expect(page.body.string.contains("data-error-page"))
        }
    }

    @Test("an unknown link is 404 and a weak password is refused naming the field")
    func badInput() async throws {
        try await withHerald { app in
            var browser = BrowserSession(app)
            #expect(try await browser.get("/setup/not-a-token").status == .notFound)
            let link = try #require(try await FirstRunSetup.linkIfNeeded(app: app))
            let path = String(link.dropFirst("https://herald.test".count))
            let form = ["organization": "Acme", "name": "Ada", "email": "ada@example.com",
                        "password": "short", "password_confirmation": "short"]
            let response = try await browser.post(path, form: form, csrfFrom: path)
            #expect(response.status == .unprocessableEntity)
            #expect(response.body.string.contains("Password: Use at least 10 characters (this one has 5)."))
            #expect(try await Account.query(on: app.db).count() == 0)
        }
    }
}
