@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import Vapor
import VaporTesting

/// `RecentAuthentication`: sensitive console changes wait for a recent password or authenticator code, and then go
/// through as they were typed.
@Suite("Re-authentication before sensitive changes")
struct ReauthenticationTests {
    static let password = TwoFactorTests.password

    @Test("re-authentication: API tokens and mail settings wait for the password or a code, then go through as typed")
    func reauthenticationGuard() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            // given: signed in six minutes ago
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            clock.advance(by: 6 * 60)
            // when: API token
            let asked = try await admin.post("/console/api-tokens", form: ["name": "deploy bot"], csrfFrom: "/console/api-tokens")
            let carried = CarriedForm.parse(try Self.formBody(asked.body.string))
            let wrong = try await admin.post("/console/reauthenticate", form: Self.fields(carried, adding: ["reauth_password": "Wrong-Horse-42"]), csrfFrom: "/console/api-tokens")
            let confirmed = try await admin.post("/console/reauthenticate", form: Self.fields(carried, adding: ["reauth_password": Self.password]), csrfFrom: "/console/api-tokens")
            let tokensBefore = try await APIToken.query(on: app.db).count()
            // the browser repeats the POST at the 307's Location with the same body
            let repeated = try await admin.post(try #require(confirmed.headers.first(name: .location)), form: Self.fields(carried, adding: ["reauth_password": Self.password]), csrfFrom: "/console/api-tokens")
            // then
            #expect(asked.status == .forbidden)
            #expect(asked.body.string.contains(#"name="name" value="deploy bot""#))
            #expect(wrong.status == .unauthorized && wrong.body.string.contains(#"value="deploy bot""#))
            #expect(confirmed.status == .temporaryRedirect && confirmed.headers.first(name: .location) == "/console/api-tokens")
            #expect(tokensBefore == 0)
            #expect(repeated.status == .seeOther)
            #expect(try await APIToken.query(on: app.db).all().map(\.name) == ["deploy bot"])

            // when: mail settings, confirmed with an authenticator code after enrolling
            _ = try await TwoFactorTests.enrol(&admin, clock: clock)
            let (secret, _) = try await Self.secretOf(app)
            clock.advance(by: 6 * 60)
            let mailForm = ["transport": "file", "sender_address": "it@acme.example", "sender_name": "Acme IT"]
            let mailAsked = try await admin.post("/console/mail", form: mailForm, csrfFrom: "/console/mail")
            let mailCarried = CarriedForm.parse(try Self.formBody(mailAsked.body.string))
            let mailConfirmed = try await admin.post("/console/reauthenticate", form: Self.fields(mailCarried, adding: ["reauth_code": try PyOTP.code(secret: secret, at: clock.now)]),
                                                     csrfFrom: "/console/mail")
            let savedBefore = try await MailSettings.query(on: app.db).count()
            let saved = try await admin.post("/console/mail", form: mailForm, csrfFrom: "/console/mail")
            // then
            #expect(mailAsked.status == .forbidden && savedBefore == 0)
            #expect(mailConfirmed.status == .temporaryRedirect && mailConfirmed.headers.first(name: .location) == "/console/mail")
            #expect(saved.status == .seeOther)
            #expect(try await MailSettings.query(on: app.db).first()?.senderAddress == "it@acme.example")
        }
    }

    @Test("re-authentication also guards webhook creation and secret rotation, promotion, revoking API tokens and the two-factor rule")
    func reauthenticationGuardsEverySensitiveChange() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            // given: signed in six minutes ago
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            clock.advance(by: 6 * 60)
            let someID = UUID().uuidString
            // when / then: each change shows the re-authentication page instead of being made
            let posts = ["/console/webhooks", "/console/webhooks/\(someID)/rotate-secret", "/console/members/\(someID)/promote",
                         "/console/api-tokens/\(someID)/revoke", "/console/two-factor/requirement"]
            for path in posts {
                let answer = try await admin.post(path, form: ["url": "https://hooks.example.com"], csrfFrom: "/console/two-factor")
                #expect(answer.status == .forbidden && answer.body.string.contains(#"name="reauth_return" value="\#(path)""#), "\(path)")
            }
            // when: the revocation's confirmation page (a GET) is confirmed
            let confirmPage = try await admin.get("/console/api-tokens/\(someID)/revoke")
            #expect(confirmPage.status == .forbidden && confirmPage.body.string.contains(#"name="reauth_method" value="GET""#))
            let confirmed = try await admin.post("/console/reauthenticate", form: [
                "reauth_return": "/console/api-tokens/\(someID)/revoke", "reauth_method": "GET", "reauth_password": Self.password,
            ], csrfFrom: "/console/two-factor")
            // then
            #expect(confirmed.status == .seeOther && confirmed.headers.first(name: .location) == "/console/api-tokens/\(someID)/revoke")
            // Within the window the handler answers itself: there is no such member.
            #expect(try await admin.post("/console/members/\(someID)/promote", form: [:], csrfFrom: "/console/two-factor").status == .notFound)
        }
    }

    @Test("a return path outside the console is not followed")
    func returnPathStaysInConsole() {
        #expect(ReauthenticationController.safeReturn("//evil.example/console") == "/console")
        #expect(ReauthenticationController.safeReturn("https://evil.example") == "/console")
        #expect(ReauthenticationController.safeReturn("/console/mail") == "/console/mail")
        #expect(ReauthenticationController.safeReturn("/console\\@evil") == "/console")
    }

    /// The hidden fields of the re-authentication page's form, as a browser would send them (without the CSRF token).
    static func formBody(_ html: String) throws -> String {
        let form = try #require(TwoFactorTests.first(#"(<form method="post" action="/console/reauthenticate">.*?</form>)"#, in: html.replacingOccurrences(of: "\n", with: " ")))
        return form.matches(of: /<input type="hidden" name="([^"]+)" value="([^"]*)">/)
            .filter { $0.1 != "_csrf" }
            .map { "\(BrowserSession.escape(Self.unescape(String($0.1))))=\(BrowserSession.escape(Self.unescape(String($0.2))))" }
            .joined(separator: "&")
    }

    static func unescape(_ html: String) -> String {
        html.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
    }

    static func fields(_ carried: [CarriedForm.Field], adding extra: [String: String]) -> [String: String] {
        var fields = Dictionary(carried.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        fields.merge(extra) { _, new in new }
        return fields
    }

    static func secretOf(_ app: Application) async throws -> (String, TwoFactorCredential) {
        let credential = try #require(try await TwoFactorCredential.query(on: app.db).first())
        return (try app.herald.secretBox.open(credential.secretCiphertext), credential)
    }
}
