@testable import App
import Fluent
import Foundation
import HeraldCore
import Testing
import Vapor
import VaporTesting

/// Two-factor sign-in end to end through the console's forms, with codes computed by pyotp at the test clock's time.
@Suite("Two-factor sign-in, recovery codes, the organization rule and re-authentication")
struct TwoFactorTests {
    static let password = "Correct-Horse-42"

    /// Signs in, turns two-factor sign-in on with a pyotp code; returns the secret and the recovery codes shown once.
    static func enrol(_ browser: inout BrowserSession, clock: ManualClock) async throws -> (secret: String, recoveryCodes: [String]) {
        let page = try await browser.get("/console/two-factor").body.string
        let secret = try #require(Self.first(#"<code id="totp-key">([A-Z2-7 ]+)</code>"#, in: page)).replacingOccurrences(of: " ", with: "")
        let enabled = try await browser.post("/console/two-factor/enable", form: ["code": try PyOTP.code(secret: secret, at: clock.now)],
                                             csrfFrom: "/console/two-factor")
        try #require(enabled.status == .ok, "enrolment refused: \(enabled.status)")
        let codes = enabled.body.string.matches(of: /<li><code>([a-z0-9-]{11})<\/code><\/li>/).map { String($0.1) }
        return (secret, codes)
    }

    static func first(_ pattern: String, in text: String) -> String? {
        guard let regex = try? Regex(pattern), let match = text.firstMatch(of: regex), match.count > 1 else { return nil }
        return match[1].substring.map(String.init)
    }

    static func signInWithPassword(_ app: Application, email: String = "admin@example.com") async throws -> BrowserSession {
        var browser = BrowserSession(app)
        let response = try await browser.post("/signin", form: ["email": email, "password": password])
        try #require(response.status == .seeOther)
        return browser
    }

    @Test("pyotp codes: the current and the previous step are accepted, two steps back and a used code are refused")
    func codeWindowAndReuse() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_800_000_000))
        try await withHerald({ $0.clock = clock }) { app in
            // given: enrolled at step S (which is then spent)
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            let (secret, _) = try await Self.enrol(&admin, clock: clock)
            let enrolledAt = clock.now
            clock.advance(by: 90)  // now step S+3
            var browser = try await Self.signInWithPassword(app)
            // when / then: the password alone opens nothing
            #expect(try await browser.get("/console").headers.first(name: .location) == "/signin")
            let twoBack = try await browser.post("/signin/code", form: ["code": try PyOTP.code(secret: secret, at: enrolledAt.addingTimeInterval(30))])
            #expect(twoBack.status == .unauthorized)
            let previous = try await browser.post("/signin/code", form: ["code": try PyOTP.code(secret: secret, at: clock.now.addingTimeInterval(-30))])
            #expect(previous.status == .seeOther && previous.headers.first(name: .location) == "/console")
            #expect(try await browser.get("/console").status == .ok)

            var again = try await Self.signInWithPassword(app)
            let reused = try await again.post("/signin/code", form: ["code": try PyOTP.code(secret: secret, at: clock.now.addingTimeInterval(-30))])
            #expect(reused.status == .unauthorized)
            #expect(reused.body.string.contains("already used"))
            let current = try await again.post("/signin/code", form: ["code": try PyOTP.code(secret: secret, at: clock.now)])
            #expect(current.status == .seeOther)
            #expect(try await again.get("/console").status == .ok)
        }
    }

    @Test("the enrolment page's QR code reads, with zxing-cpp, as the otpauth URI it shows; the secret is stored sealed")
    func enrolmentPage() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            // when
            let page = try await admin.get("/console/two-factor").body.string
            // then
            let svg = try #require(Self.first(#"(<svg[^>]*>.*?</svg>)"#, in: page))
            let uri = try #require(Self.first(#"<code id="totp-uri" class="wrap">([^<]+)</code>"#, in: page)).replacingOccurrences(of: "&amp;", with: "&")
            #expect(uri.hasPrefix("otpauth://totp/Herald:admin@example.com?secret="))
            #expect(try QRReferee.decode(svg: svg) == uri)

            let (secret, codes) = try await Self.enrol(&admin, clock: clock)
            #expect(codes.count == 10)
            let stored = try #require(try await TwoFactorCredential.query(on: app.db).first())
            #expect(!stored.secretCiphertext.contains(secret) && stored.secretCiphertext.hasPrefix("v1:"))
            #expect(try await RecoveryCode.query(on: app.db).all().allSatisfy { !codes.contains($0.codeHash) })
            let pageAgain = try await admin.get("/console/two-factor").body.string
            #expect(!pageAgain.contains(codes[0]), "recovery codes are shown once")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .twoFactorEnabled).count() == 1)
        }
    }

    @Test("confirming without a setup in progress says to scan the new QR code, and enrols nothing")
    func confirmationWithoutSetup() async throws {
        try await withHerald { app in
            // given: signed in, the two-factor page never opened
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            // when
            let answer = try await admin.post("/console/two-factor/enable", form: ["code": "123456"], csrfFrom: "/console")
            // then
            #expect(answer.status == .conflict && answer.body.string.contains("Scan the new QR code below"))
            #expect(try await TwoFactorCredential.query(on: app.db).count() == 0)
        }
    }

    @Test("a recovery code signs in once; its use is audited")
    func recoveryCodeOnce() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            let (_, codes) = try await Self.enrol(&admin, clock: clock)
            // when
            var first = try await Self.signInWithPassword(app)
            let used = try await first.post("/signin/code", form: ["code": codes[3].uppercased()])
            let dashboard = try await first.get("/console").body.string
            var second = try await Self.signInWithPassword(app)
            let again = try await second.post("/signin/code", form: ["code": codes[3]])
            // then
            #expect(used.status == .seeOther)
            #expect(dashboard.contains("Recovery codes left: 9"))
            #expect(again.status == .unauthorized)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .twoFactorRecoveryCodeUsed).count() == 1)
        }
    }

    @Test("five wrong codes hold the account: 429 even for the right code, in the person's language, audited")
    func guessesAreLimited() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator(email: "limited@example.com")
            let (secret, _) = try await Self.enrol(&admin, clock: clock)
            clock.advance(by: 30)
            var browser = try await Self.signInWithPassword(app, email: "limited@example.com")
            let right = try PyOTP.code(secret: secret, at: clock.now)
            let wrong = right == "000000" ? "111111" : "000000"
            // when
            var wrongAnswers: [HTTPStatus] = []
            for _ in 0..<5 { wrongAnswers.append(try await browser.post("/signin/code", form: ["code": wrong]).status) }
            let held = try await browser.post("/signin/code", form: ["code": right], extraHeaders: ["Accept-Language": "de"])
            // then
            #expect(wrongAnswers == Array(repeating: .unauthorized, count: 5))
            #expect(held.status == .tooManyRequests)
            #expect(held.headers.first(name: .retryAfter).flatMap(Int.init).map { $0 > 0 } == true)
            #expect(held.body.string.contains("Zu viele falsche Codes"))
            #expect(try await browser.get("/console").status == .seeOther)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .twoFactorCodeGuessesLimited).count() == 1)
        }
    }

    @Test("organization rule: an administrator without two-factor sign-in gets only the enrolment page until enrolled")
    func organizationRequirement() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            // given: Ada (enrolled) and Bob, both administrators of Acme
            var ada = BrowserSession(app)
            try await ada.signInAsNewAdministrator(email: "ada@example.com")
            let refused = try await ada.post("/console/two-factor/requirement", form: ["required": "on"], csrfFrom: "/console/two-factor")
            #expect(refused.status == .conflict, "turning the rule on without one's own second factor would lock one out")
            _ = try await Self.enrol(&ada, clock: clock)
            let organization = try #require(try await Organization.query(on: app.db).first())
            let bob = Account(email: "bob@example.com", name: "Bob", passwordHash: try await app.password.async.hash(Self.password))
            try await bob.create(on: app.db)
            try await Membership(organizationID: try organization.requireID(), accountID: try bob.requireID(), role: .administrator).create(on: app.db)
            // when
            let saved = try await ada.post("/console/two-factor/requirement", form: ["required": "on"], csrfFrom: "/console/two-factor")
            var bobBrowser = try await Self.signInWithPassword(app, email: "bob@example.com")
            let members = try await bobBrowser.get("/console/members")
            let enrolPage = try await bobBrowser.get("/console/two-factor")
            let tokenCreate = try await bobBrowser.post("/console/api-tokens", form: ["name": "sneaky"], csrfFrom: "/console/two-factor")
            _ = try await Self.enrol(&bobBrowser, clock: clock)
            let afterwards = try await bobBrowser.get("/console/members")
            let token = try await APITokenService.create(name: "ci", scope: .administration, organizationID: try organization.requireID(), accountID: try bob.requireID(),
                                                         actor: .commandLine, on: app.db).token
            let api = try await app.testing().sendRequest(.GET, "/api/v1/organization", headers: ["Authorization": "Bearer \(token)"])
            let bobsRow = try #require(Self.first(#"(<tr data-email="bob@example.com">.*?</tr>)"#, in: afterwards.body.string.replacingOccurrences(of: "\n", with: " ")))
            // then
            #expect(saved.status == .seeOther)
            #expect(try await Organization.find(organization.id, on: app.db)?.requireAdminTwoFactor == true)
            #expect(members.status == .seeOther && members.headers.first(name: .location) == "/console/two-factor")
            #expect(enrolPage.status == .ok && enrolPage.body.string.contains("Acme requires account administrators to use two-factor sign-in"))
            #expect(tokenCreate.status == .seeOther && tokenCreate.headers.first(name: .location) == "/console/two-factor")
            #expect(try await APIToken.query(on: app.db).filter(\.$name == "sneaky").count() == 0)
            #expect(try api.content.get(Bool.self, at: "requireAdminTwoFactor") == true)
            #expect(afterwards.status == .ok && bobsRow.contains(#"<td class="two-factor">on</td>"#))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .twoFactorRequirementChanged).count() == 1)
        }
    }

    @Test("signing in on a join page joins, and the console still waits for the second factor")
    func joinPageSignInNeedsTheCode() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            // given: Bob (administrator of Globex, two-factor on) invited to Acme
            let path = try await TestData.bobInvitedToAcme(app)
            var enrolling = BrowserSession(app)
            _ = try await enrolling.post("/signin", form: ["email": "bob@example.com", "password": "Bobs-Password-1"])
            let (secret, _) = try await Self.enrol(&enrolling, clock: clock)
            clock.advance(by: 30)
            var bob = BrowserSession(app)
            // when
            let joined = try await bob.post(path, form: ["mode": "signin", "password": "Bobs-Password-1"], csrfFrom: path)
            let beforeCode = try await bob.get("/console")
            let code = try await bob.post("/signin/code", form: ["code": try PyOTP.code(secret: secret, at: clock.now)])
            let welcome = try await bob.get("/console")
            // then
            #expect(joined.status == .seeOther && joined.headers.first(name: .location) == "/signin/code")
            #expect(beforeCode.headers.first(name: .location) == "/signin")
            #expect(code.headers.first(name: .location) == "/console/welcome")
            #expect(welcome.body.string.contains("<option value=\"\(try #require(try await Organization.query(on: app.db).filter(\.$name == "Acme").first()?.id).uuidString)\" selected>Acme</option>"))
        }
    }

    @Test("herald admin reset-two-factor: a lost phone; the person signs in with the password again; audited")
    func operatorReset() async throws {
        let clock = ManualClock()
        try await withHerald({ $0.clock = clock }) { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            _ = try await Self.enrol(&admin, clock: clock)
            // when
            var context = CommandContext(console: app.console, input: CommandInput(arguments: ["herald", "--email", "ADMIN@example.com"]))
            context.application = app
            try await ResetTwoFactorCommand().run(using: &context)
            var browser = BrowserSession(app)
            let signedIn = try await browser.post("/signin", form: ["email": "admin@example.com", "password": Self.password])
            // then
            #expect(signedIn.headers.first(name: .location) == "/console")
            #expect(try await TwoFactorCredential.query(on: app.db).count() == 0)
            #expect(try await RecoveryCode.query(on: app.db).count() == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .twoFactorReset).first()?.actorLabel != nil)
        }
    }
}
