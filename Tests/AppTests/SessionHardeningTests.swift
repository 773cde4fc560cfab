@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Sessions change with identity and end on the server; API tokens do not outlive their owner's role.
@Suite("sessions and tokens")
struct SessionHardeningTests {
    /// A browser holding a stored session (the sign-in page keeps a CSRF token in it) before the identity changes.
    static func plantedSession(_ browser: inout BrowserSession) async throws -> String {
        _ = try await browser.csrfToken(from: "/signin")
        return try #require(browser.cookie)
    }

    /// The row of a browser's session, found as the driver finds it: by the hash of the cookie's ID.
    static func stored(_ browser: BrowserSession) async throws -> StoredSession {
        let id = try #require(browser.cookie?.split(separator: "=", maxSplits: 1).last.map(String.init))
        return try #require(try await StoredSession.query(on: browser.app.db)
            .filter(\.$key == HashedSessionDriver.hashed(SessionID(string: id))).first())
    }

    @Test("signing in and joining on the join page starts a new session; the one from before stays signed out")
    func joinRotatesSession() async throws {
        try await withHerald { app in
            // given
            let path = try await TestData.bobInvitedToAcme(app)
            var bob = BrowserSession(app)
            let planted = try await Self.plantedSession(&bob)
            // when
            let joined = try await bob.post(path, form: ["mode": "signin", "password": "Bobs-Password-1"], csrfFrom: path)
            // then
            #expect(joined.status == .seeOther)
            #expect(bob.cookie != planted)
            #expect(try await bob.get("/console").status == .ok)
            var attacker = BrowserSession(app)
            attacker.cookie = planted
            #expect(try await attacker.get("/console").status == .seeOther, "the planted session is not signed in")
        }
    }

    @Test("first-run setup starts a new session; the one from before stays signed out")
    func setupRotatesSession() async throws {
        try await withHerald { app in
            let link = try #require(try await FirstRunSetup.linkIfNeeded(app: app))
            let path = String(link.dropFirst("https://herald.test".count))
            var browser = BrowserSession(app)
            let planted = try await Self.plantedSession(&browser)
            let form = ["organization": "Acme", "name": "Ada", "email": "ada@example.com",
                        "password": "Correct-Horse-42", "password_confirmation": "Correct-Horse-42"]
            #expect(try await browser.post(path, form: form, csrfFrom: path).status == .seeOther)
            #expect(browser.cookie != planted)
            var attacker = BrowserSession(app)
            attacker.cookie = planted
            #expect(try await attacker.get("/console").status == .seeOther)
        }
    }

    @Test("a session idle too long, or older than its lifetime, is signed out on the server and swept away",
          arguments: ["seen_at", "created_at"])
    func sessionsExpire(column: String) async throws {
        try await withHerald { app in
            // given
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            #expect(try await browser.get("/console").status == .ok)
            let settings = app.herald.configuration.sessions
            let longAgo = Date().addingTimeInterval(-(column == "seen_at" ? settings.idleTimeout : settings.lifetime) - 60)
            let stored = try await Self.stored(browser)
            if column == "seen_at" { stored.seenAt = longAgo } else { stored.createdAt = longAgo }
            try await stored.save(on: app.db)
            var other = BrowserSession(app)
            try await other.signInAsNewAdministrator(email: "eve@example.com", organization: "Globex")
            var forgotten = BrowserSession(app)
            try await forgotten.signInAsNewAdministrator(email: "max@example.com", organization: "Initech")
            let abandoned = try await Self.stored(forgotten)
            abandoned.seenAt = longAgo
            try await abandoned.save(on: app.db)
            // when
            let page = try await browser.get("/console")
            let swept = try await SessionSweeper.sweep(settings: settings, on: app.db)
            // then
            #expect(page.status == .seeOther, "sent back to sign in")
            #expect(try await StoredSession.query(on: app.db).filter(\.$id == stored.requireID()).count() == 0)
            #expect(swept == 1, "the session nobody uses any more is deleted by the sweep")
            #expect(try await forgotten.get("/console").status == .seeOther)
            #expect(try await other.get("/console").status == .ok, "a live session is kept")
        }
    }

    @Test("the sweeper deletes only sessions still ended when it deletes: one used since its read is kept")
    func sweeperKeepsSessionUsedMeanwhile() async throws {
        try await withHerald { app in
            // given: a session the sweep read as idle too long, then used again before the sweep deleted
            var browser = BrowserSession(app)
            try await browser.signInAsNewAdministrator()
            let settings = app.herald.configuration.sessions
            let stored = try await Self.stored(browser)
            let readAsEnded = try stored.requireID()
            stored.seenAt = Date()
            try await stored.save(on: app.db)
            // when
            try await SessionSweeper.deleteIfEnded([readAsEnded], settings: settings, on: app.db)
            // then
            #expect(try await StoredSession.query(on: app.db).filter(\.$id == readAsEnded).count() == 1)
            #expect(try await browser.get("/console").status == .ok, "its person stays signed in")
        }
    }

    @Test("a demoted administrator's API token stays revoked after promotion back", arguments: [MembershipChanges.Change.demote, .block, .remove])
    func tokensDieWithTheRole(change: MembershipChanges.Change) async throws {
        try await withHerald { app in
            // given
            let ada = try await TestData.administrator(app, email: "ada@example.com", password: "Correct-Horse-42", organization: "Acme")
            let organizationID = try ada.organization.requireID()
            let bob = try await TestData.administrator(app, email: "bob@example.com", password: "Correct-Horse-42", organization: "Globex")
            let membership = Membership(organizationID: organizationID, accountID: try bob.account.requireID(), role: .administrator)
            try await membership.create(on: app.db)
            let token = try await APITokenService.create(name: "ci", scope: .administration, organizationID: organizationID, accountID: bob.account.requireID(),
                                                         actor: .commandLine, on: app.db).token
            let changes = MembershipChanges(mailer: app.herald.mailer, organizationID: organizationID, actor: .commandLine)
            // when
            _ = try await changes.apply(change, to: membership.requireID(), on: app.db)
            switch change {
            case .block: _ = try await changes.apply(.unblock, to: membership.requireID(), on: app.db)
            case .remove:
                membership.status = .active
                try await membership.save(on: app.db)
            default: break
            }
            if try await Membership.find(membership.id, on: app.db)?.role != .administrator {
                _ = try await changes.apply(.promote, to: membership.requireID(), on: app.db)
            }
            // then
            let response = try await app.testing().sendRequest(.GET, "/api/v1/members", headers: ["Authorization": "Bearer \(token)"])
            #expect(response.status == .unauthorized)
        }
    }
}
