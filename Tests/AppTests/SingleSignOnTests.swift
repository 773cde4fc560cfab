@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Single sign-on through a real OpenID provider on loopback (scripts/oidc-test-provider.py): Herald fetches its
/// discovery document and JWKS and exchanges codes over HTTP, and the browser's part (the redirect to the provider
/// and back) is followed as a browser would.
@Suite struct SingleSignOnTests {
    let provider: OpenIDTestProvider

    init() throws {
        provider = try OpenIDTestProvider()
    }

    /// An Acme with its administrator (admin@example.com) and single sign-on configured as given.
    func acme(_ app: Application, _ settings: SingleSignOnSettingsInput? = nil) async throws -> UUID {
        let created = try await TestData.administrator(app, email: "admin@example.com", password: "Correct-Horse-42", organization: "Acme")
        let organizationID = try created.organization.requireID()
        try await provider.configure(app, organizationID: organizationID, settings)
        return organizationID
    }

    /// The join link of an invitation to Acme the administrator sends from the console.
    func invitation(_ app: Application, to email: String) async throws -> String {
        var admin = BrowserSession(app)
        _ = try await admin.post("/signin", form: ["email": "admin@example.com", "password": "Correct-Horse-42"])
        _ = try await admin.post("/console/invitations/join", form: ["emails": email], csrfFrom: "/console/invitations")
        return try await OutboxReader.joinPath(app, to: email)
    }

    /// The catalog's sentence as the page shows it (Leaf escapes HTML's special characters).
    func message(_ app: Application, _ key: String, _ language: Language = .en, _ arguments: [String: String] = [:]) -> String {
        app.herald.catalog.text(key, language, arguments).replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }

    @Test func anExistingMemberSignsInThroughTheProviderAndSignsOut() async throws {
        try await withHerald({ $0.singleSignOn.allowHTTP = true }) { app in
            // given
            let organizationID = try await acme(app)
            var browser = BrowserSession(app)
            let signInPage = try await browser.get("/signin?organization=\(organizationID.uuidString)")
            #expect(signInPage.body.string.contains("Sign in with Test IdP"))

            // when
            let callback = try await browser.signInThroughProvider(provider, organizationID: organizationID, email: "Admin@Example.com")

            // then
            #expect(callback.status == .seeOther)
            #expect(callback.headers.first(name: .location) == "/console")
            let console = try await browser.get("/console")
            #expect(console.status == .ok)
            #expect(console.body.string.contains("admin@example.com"))
            let account = try #require(try await Account.find(email: "admin@example.com", on: app.db))
            #expect(account.lastSignInAt != nil)

            // when: signing out
            _ = try await browser.post("/signout", form: [:], csrfFrom: "/console")

            // then
            #expect(try await browser.get("/console").headers.first(name: .location) == "/signin")
        }
    }

    @Test func justInTimeMembershipMakesANewPersonFromAnAllowedDomainARegularMember() async throws {
        try await withHerald({ $0.singleSignOn.allowHTTP = true }) { app in
            // given
            let organizationID = try await acme(app, provider.settings(justInTime: true, domains: "example.com, example.org"))
            var browser = BrowserSession(app)

            // when
            let callback = try await browser.signInThroughProvider(provider, organizationID: organizationID, email: "nia@example.org")

            // then
            #expect(callback.headers.first(name: .location) == "/console")
            let account = try #require(try await Account.find(email: "nia@example.org", on: app.db))
            let membership = try #require(try await Membership.query(on: app.db).filter(\.$account.$id == account.requireID()).first())
            #expect(membership.role == .member)
            #expect(membership.status == .active)
            #expect(try await browser.get("/console").status == .ok)
            let audit = try await AuditEvent.query(on: app.db).filter(\.$action == .singleSignOnMemberJoined).all()
            #expect(audit.map(\.targetLabel) == ["nia@example.org"])
            // A person who joined this way has no password that works.
            var other = BrowserSession(app)
            let password = try await other.post("/signin", form: ["email": "nia@example.org", "password": PasswordCheck.dummyHash])
            #expect(password.status == .unauthorized)
        }
    }

    @Test func withoutJustInTimeMembershipANewPersonIsRefused() async throws {
        try await withHerald({ $0.singleSignOn.allowHTTP = true }) { app in
            // given
            let organizationID = try await acme(app, provider.settings(justInTime: false))
            var browser = BrowserSession(app)

            // when
            let callback = try await browser.signInThroughProvider(provider, organizationID: organizationID, email: "nia@example.com")

            // then
            #expect(callback.status == .forbidden)
            #expect(callback.body.string.contains(message(app, "sso.error.not_member", .en, ["email": "nia@example.com"])))
            #expect(try await Account.find(email: "nia@example.com", on: app.db) == nil)
            #expect(try await browser.get("/console").headers.first(name: .location) == "/signin")
        }
    }

    @Test func aPersonOutsideTheAllowedDomainsIsRefused() async throws {
        try await withHerald({ $0.singleSignOn.allowHTTP = true }) { app in
            // given
            let organizationID = try await acme(app, provider.settings(justInTime: true, domains: "example.com"))
            var browser = BrowserSession(app)

            // when: a subdomain is another domain
            let callback = try await browser.signInThroughProvider(provider, organizationID: organizationID, email: "eve@mail.example.com")

            // then
            #expect(callback.status == .forbidden)
            #expect(callback.body.string.contains(message(app, "sso.error.domain", .en, ["email": "eve@mail.example.com"])))
            #expect(try await Account.find(email: "eve@mail.example.com", on: app.db) == nil)
        }
    }

    @Test func aBlockedMemberStaysOut() async throws {
        try await withHerald({ $0.singleSignOn.allowHTTP = true }) { app in
            // given
            let organizationID = try await acme(app, provider.settings(justInTime: true))
            let account = Account(email: "bo@example.com", name: "Bo", passwordHash: PasswordCheck.dummyHash)
            try await account.create(on: app.db)
            try await Membership(organizationID: organizationID, accountID: account.requireID(), role: .member, status: .blocked).create(on: app.db)
            var browser = BrowserSession(app)

            // when
            let callback = try await browser.signInThroughProvider(provider, organizationID: organizationID, email: "bo@example.com")

            // then
            #expect(callback.status == .forbidden)
            #expect(callback.body.string.contains(message(app, "sso.error.blocked")))
            #expect(try await browser.get("/console").headers.first(name: .location) == "/signin")
        }
    }

    /// Each ID token wrong in one way is refused with its own message, and nobody is signed in.
    @Test(arguments: [
        ("wrong_issuer", "sso.error.issuer"), ("wrong_audience", "sso.error.audience"), ("expired", "sso.error.expired"),
        ("future_iat", "sso.error.expired"), ("unknown_key", "sso.error.signature"), ("alg_none", "sso.error.signature"),
        ("hs256", "sso.error.signature"), ("wrong_nonce", "sso.error.nonce"),
    ])
    func aHostileIDTokenIsRefused(fault: String, messageKey: String) async throws {
        try await withHerald({ $0.singleSignOn.allowHTTP = true }) { app in
            // given
            let organizationID = try await acme(app)
            var browser = BrowserSession(app)

            // when
            let callback = try await browser.signInThroughProvider(provider, organizationID: organizationID, email: "admin@example.com", fault: fault)

            // then
            #expect(callback.status == .unauthorized)
            #expect(callback.body.string.contains(message(app, messageKey)))
            #expect(!callback.body.string.contains("JWT"))
            #expect(try await browser.get("/console").headers.first(name: .location) == "/signin")
        }
    }

    @Test func anUnverifiedEmailAddressIsRefused() async throws {
        try await withHerald({ $0.singleSignOn.allowHTTP = true }) { app in
            let organizationID = try await acme(app)
            var browser = BrowserSession(app)

            let callback = try await browser.signInThroughProvider(provider, organizationID: organizationID, email: "admin@example.com",
                                                                   emailVerified: false)

            #expect(callback.status == .forbidden)
            #expect(callback.body.string.contains(message(app, "sso.error.email_unverified")))
        }
    }

    @Test func aReplayedStateIsRefused() async throws {
        try await withHerald({ $0.singleSignOn.allowHTTP = true }) { app in
            // given: a sign-in that worked
            let organizationID = try await acme(app)
            var browser = BrowserSession(app)
            let authorization = try await browser.startSingleSignOn("/sso/start/\(organizationID.uuidString)")
            let callbackPath = try await provider.authorize(authorization, email: "admin@example.com")
            #expect(try await browser.get(callbackPath).headers.first(name: .location) == "/console")

            // when: the same callback again, from the same browser and from another one
            let again = try await browser.get(callbackPath)
            var stranger = BrowserSession(app)
            let elsewhere = try await stranger.get(callbackPath)

            // then
            #expect(again.status == .badRequest)
            #expect(again.body.string.contains(message(app, "sso.error.state")))
            #expect(elsewhere.status == .badRequest)
            #expect(try await stranger.get("/console").headers.first(name: .location) == "/signin")
        }
    }

    @Test func aStateStartedInAnotherBrowserIsRefused() async throws {
        try await withHerald({ $0.singleSignOn.allowHTTP = true }) { app in
            // given: an attacker starts a sign-in as themselves and hands the callback to a victim (login CSRF)
            let organizationID = try await acme(app, provider.settings(justInTime: true))
            var attacker = BrowserSession(app)
            let authorization = try await attacker.startSingleSignOn("/sso/start/\(organizationID.uuidString)")
            let callbackPath = try await provider.authorize(authorization, email: "mallory@example.com")

            // when
            var victim = BrowserSession(app)
            _ = try await victim.get("/signin")
            let callback = try await victim.get(callbackPath)

            // then
            #expect(callback.status == .badRequest)
            #expect(try await Account.find(email: "mallory@example.com", on: app.db) == nil)
        }
    }

    @Test func keysTheProviderRotatesToAreFetched() async throws {
        try await withHerald({ $0.singleSignOn.allowHTTP = true }) { app in
            // given: Herald has the provider's JWKS cached
            let organizationID = try await acme(app)
            var first = BrowserSession(app)
            #expect(try await first.signInThroughProvider(provider, organizationID: organizationID, email: "admin@example.com").status == .seeOther)

            // when: the provider signs with a key the cached set lacks
            try await provider.rotateKeys()
            var second = BrowserSession(app)
            let callback = try await second.signInThroughProvider(provider, organizationID: organizationID, email: "admin@example.com")

            // then
            #expect(callback.headers.first(name: .location) == "/console")
        }
    }

    @Test func whenPasswordsAreRefusedOnlyTheProviderLetsMembersInUntilTheBreakGlass() async throws {
        try await withHerald({ $0.singleSignOn.allowHTTP = true }) { app in
            // given
            let organizationID = try await acme(app, provider.settings(passwordsAllowed: false))
            var browser = BrowserSession(app)

            // when
            let password = try await browser.post("/signin", form: ["email": "admin@example.com", "password": "Correct-Horse-42"])

            // then: refused, with the way in that works
            #expect(password.status == .forbidden)
            #expect(password.body.string.contains(message(app, "sso.error.passwords_refused", .en, ["organization": "Acme", "provider": "Test IdP"])))
            #expect(password.body.string.contains("/sso/start/\(organizationID.uuidString)"))
            #expect(try await browser.get("/console").headers.first(name: .location) == "/signin")
            let wrong = try await browser.post("/signin", form: ["email": "admin@example.com", "password": "Wrong-Horse-42"])
            #expect(wrong.status == .unauthorized)
            #expect(try await browser.signInThroughProvider(provider, organizationID: organizationID, email: "admin@example.com").status == .seeOther)

            // when: the operator's break-glass
            var context = CommandContext(console: app.console, input: CommandInput(arguments: ["herald", "--organization", "Acme"]))
            context.application = app
            try await AllowPasswordsCommand().run(using: &context)

            // then
            var later = BrowserSession(app)
            #expect(try await later.post("/signin", form: ["email": "admin@example.com", "password": "Correct-Horse-42"]).status == .seeOther)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .singleSignOnSettingsChanged).count() == 2)
        }
    }

    @Test func anInviteeJoinsByProviderInsteadOfChoosingAPassword() async throws {
        try await withHerald({ $0.singleSignOn.allowHTTP = true }) { app in
            // given
            let organizationID = try await acme(app)
            let joinPath = try await invitation(app, to: "carol@example.com")
            var carol = BrowserSession(app)
            let page = try await carol.get(joinPath)
            #expect(page.body.string.contains("Join with Test IdP"))
            let token = String(joinPath.split(separator: "/").last ?? "")

            // when
            let authorization = try await carol.startSingleSignOn("/sso/join/\(token)")
            let callback = try await carol.get(try await provider.authorize(authorization, email: "carol@example.com"))

            // then
            #expect(callback.headers.first(name: .location) == "/console/welcome")
            let account = try #require(try await Account.find(email: "carol@example.com", on: app.db))
            let membership = try #require(try await Membership.query(on: app.db).filter(\.$account.$id == account.requireID())
                .filter(\.$organization.$id == organizationID).first())
            #expect(membership.status == .active)
            #expect(try await carol.get("/console").status == .ok)
        }
    }

    @Test func anOrganizationWithoutPasswordsIsJoinedOnlyThroughItsProvider() async throws {
        try await withHerald({ $0.singleSignOn.allowHTTP = true }) { app in
            // given
            let organizationID = try await acme(app)
            let joinPath = try await invitation(app, to: "carol@example.com")
            var carol = BrowserSession(app)
            // The page as it was opened while passwords were still allowed: its forms' token.
            let token = try await carol.csrfToken(from: joinPath)
            try await provider.configure(app, organizationID: organizationID, provider.settings(passwordsAllowed: false))

            // when
            let page = try await carol.get(joinPath)
            let again = try await carol.get(joinPath)
            let create = try await carol.post(joinPath, form: ["mode": "create", "name": "Carol", "password": "Sturdy-Pass-77",
                                                               "password_confirmation": "Sturdy-Pass-77"], csrf: .some(token))

            // then: the page offers the provider only, opened the first time and from the fast path alike
            for shown in [page, again] {
                #expect(shown.body.string.contains("Join with Test IdP"))
                #expect(!shown.body.string.contains(#"name="password""#))
            }
            #expect(create.status == .forbidden)
            #expect(try await Account.find(email: "carol@example.com", on: app.db) == nil)
        }
    }

    @Test func anInvitationIsNotAcceptedForAnotherAddress() async throws {
        try await withHerald({ $0.singleSignOn.allowHTTP = true }) { app in
            // given
            _ = try await acme(app)
            let token = String(try await invitation(app, to: "carol@example.com").split(separator: "/").last ?? "")
            var mallory = BrowserSession(app)

            // when
            let authorization = try await mallory.startSingleSignOn("/sso/join/\(token)")
            let callback = try await mallory.get(try await provider.authorize(authorization, email: "mallory@example.com"))

            // then
            #expect(callback.status == .forbidden)
            #expect(callback.body.string.contains(message(app, "sso.error.invitation_email", .en,
                                                          ["email": "mallory@example.com", "invited": "carol@example.com"])))
            #expect(try await Account.find(email: "mallory@example.com", on: app.db) == nil)
        }
    }

    @Test func failuresAreExplainedInThePersonsLanguage() async throws {
        try await withHerald({ $0.singleSignOn.allowHTTP = true }) { app in
            let organizationID = try await acme(app)
            var browser = BrowserSession(app)
            let authorization = try await browser.startSingleSignOn("/sso/start/\(organizationID.uuidString)")
            let callbackPath = try await provider.authorize(authorization, email: "admin@example.com", fault: "wrong_issuer")

            let response = try await app.testing().sendRequest(.GET, callbackPath, headers: [
                "Accept-Language": "de-DE,de;q=0.9", "Cookie": browser.cookie ?? "",
            ])

            #expect(response.status == .unauthorized)
            #expect(response.body.string.contains(message(app, "sso.error.issuer", .de)))
        }
    }

    @Test func anUnreachableProviderIsExplainedWithoutAnError500() async throws {
        try await withHerald({ $0.singleSignOn.allowHTTP = true }) { app in
            var settings = provider.settings()
            settings.issuer = "http://127.0.0.1:\(try ClosedPort.find())"
            let organizationID = try await acme(app, settings)
            var browser = BrowserSession(app)

            let start = try await browser.get("/sso/start/\(organizationID.uuidString)")

            #expect(start.status == .badGateway)
            #expect(start.body.string.contains(message(app, "sso.error.provider_unavailable")))
            #expect(try await browser.get("/sso/start/\(UUID().uuidString)").status == .notFound)
            #expect(try await browser.get("/sso/callback?state=forged&code=x").status == .badRequest)
        }
    }

    @Test func theConsoleSavesSettingsAuditedAndRefusesBadOnesFieldByField() async throws {
        try await withHerald { app in
            // given
            var admin = BrowserSession(app)
            try await admin.signInAsNewAdministrator()
            let page = try await admin.get("/console/sso")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("https://herald.test/sso/callback"))

            // when: plain http, no client ID, a domain that is none, and just-in-time without domains to allow
            let refused = try await admin.post("/console/sso", form: [
                "enabled": "on", "provider_name": "Okta", "issuer": "http://login.example.com", "client_id": "",
                "client_secret": "top-secret-value", "allowed_domains": "not a domain!", "just_in_time": "on",
            ], csrfFrom: "/console/sso")

            // then
            #expect(refused.status == .badRequest)
            for field in ["issuer: must use https", "client_id: is required", "allowed_domains: "] {
                #expect(refused.body.string.contains(field), "\(field)")
            }
            #expect(!refused.body.string.contains("top-secret-value"))
            #expect(try await SingleSignOnSettings.query(on: app.db).count() == 0)

            // when: good settings, passwords unticked
            let saved = try await admin.post("/console/sso", form: [
                "enabled": "on", "provider_name": "Okta", "issuer": "https://acme.okta.com", "client_id": "0oa1",
                "client_secret": "top-secret-value", "allowed_domains": "Example.com, example.org",
            ], csrfFrom: "/console/sso")

            // then
            #expect(saved.status == .seeOther)
            let settings = try #require(try await SingleSignOnSettings.query(on: app.db).first())
            #expect(settings.enabled && !settings.justInTime && !settings.passwordsAllowed)
            #expect(settings.allowedDomains == "example.com, example.org")
            #expect(settings.clientSecretCiphertext != "top-secret-value")
            #expect(try app.herald.secretBox.open(settings.clientSecretCiphertext) == "top-secret-value")
            let audit = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == .singleSignOnSettingsChanged).first())
            #expect(audit.details?.contains("top-secret-value") == false)
            #expect(!(try await admin.get("/console/sso")).body.string.contains("top-secret-value"))
        }
    }

    @Test func theAPIReadsAndWritesSettingsWithoutTheSecret() async throws {
        try await withHerald { app in
            // given
            let api = try await APIAdministrator(app)
            try await app.testing().test(.GET, "/api/v1/sso", headers: api.headers) { #expect($0.status == .notFound) }
            let body = #"{"provider_name":"Keycloak","issuer":"https://sso.example.com/realms/staff","client_id":"herald","client_secret":"s3cret-value","allowed_domains":"example.com","just_in_time":true}"#

            // when
            try await app.testing().test(.PUT, "/api/v1/sso", headers: api.headers, body: ByteBuffer(string: body)) { response in
                // then
                #expect(response.status == .ok)
                #expect(!response.body.string.contains("s3cret-value"))
                #expect(response.body.string.contains(#""redirectUri":"https:\/\/herald.test\/sso\/callback""#))
            }
            try await app.testing().test(.GET, "/api/v1/sso", headers: api.headers) { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains(#""just_in_time":true"#))
                #expect(response.body.string.contains(#""passwords_allowed":true"#))
            }
            let missingSecret = #"{"provider_name":"X","issuer":"https://x.example.com","client_id":"c"}"#
            try await app.testing().test(.PUT, "/api/v1/sso", headers: api.headers, body: ByteBuffer(string: missingSecret)) { response in
                #expect(response.status == .ok, "a stored secret is kept when none is sent")
            }
        }
    }

    @Test func oneAddressStartsAtMostAHundredSignInsInFifteenMinutes() async throws {
        try await withHerald({ $0.singleSignOn.allowHTTP = true }) { app in
            let organizationID = try await acme(app)
            var browser = BrowserSession(app)
            for _ in 0..<100 {
                _ = try await browser.startSingleSignOn("/sso/start/\(organizationID.uuidString)")
            }

            let refused = try await browser.get("/sso/start/\(organizationID.uuidString)")

            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers.first(name: .retryAfter) != nil)
        }
    }
}
