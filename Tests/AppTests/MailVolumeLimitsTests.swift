@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// How much mail an administrator can make Herald send: one pending install invitation per address and key, and a
/// daily quota per organization over every kind of message.
@Suite("Mail volume: duplicate install invitations and the daily quota")
struct MailVolumeLimitsTests {
    static func inviteInstall(_ app: Application, _ headers: HTTPHeaders, keyID: UUID, _ emails: [String]) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.POST, "/api/v1/license-keys/\(keyID.uuidString)/invitations", headers: headers,
                                            body: try HeaderBoundTextTests.json(["emails": emails]))
    }

    static func key(_ app: Application, _ headers: HTTPHeaders) async throws -> UUID {
        let created = try await app.testing().sendRequest(.POST, "/api/v1/license-keys", headers: headers,
                                                          body: try HeaderBoundTextTests.json(["name": "Studio", "product": "Studio Pro", "seats": 5]))
        return try created.content.get(UUID.self, at: "id")
    }

    @Test("five identical install invitations sent at once: one invitation, one email, four 409s with a reason")
    func simultaneousDuplicatesSendOnce() async throws {
        try await withHerald { app in
            // given
            let headers = try await HeaderBoundTextTests.apiHeaders(app)
            let keyID = try await Self.key(app, headers)
            // when
            let responses = try await withThrowingTaskGroup(of: TestingHTTPResponse.self) { group in
                for _ in 1...5 { group.addTask { try await Self.inviteInstall(app, headers, keyID: keyID, ["ada@example.com"]) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // then
            #expect(responses.map(\.status.code).sorted() == [201, 409, 409, 409, 409], "\(responses.map(\.body.string))")
            for refused in responses where refused.status == .conflict {
                #expect(try refused.content.get(String.self, at: "reason")
                    == "recipients: ada@example.com: already has a pending install invitation for this key; nothing was sent again")
            }
            #expect(try await Invitation.query(on: app.db).filter(\.$kind == .install).count() == 1)
            #expect(try await OutboxMessage.query(on: app.db).count() == 1)
        }
    }

    @Test("a list with an address already invited: the others go out, the duplicate row is reported (API and console)")
    func duplicateRowsAreReportedTheRestGoOut() async throws {
        try await withHerald { app in
            // given
            let headers = try await HeaderBoundTextTests.apiHeaders(app)
            let keyID = try await Self.key(app, headers)
            _ = try await Self.inviteInstall(app, headers, keyID: keyID, ["ada@example.com"])
            var browser = BrowserSession(app)
            _ = try await browser.post("/signin", form: ["email": "admin@example.com", "password": "Correct-Horse-42"])
            let base = "/console/licenses/\(keyID.uuidString)"
            // when
            let api = try await Self.inviteInstall(app, headers, keyID: keyID, ["ADA@example.com", "bob@example.com"])
            let console = try await browser.post(base + "/invite", form: ["recipients": "bob@example.com\ncy@example.com", "language": "en",
                                                                          "expires_in": "7"], csrfFrom: base + "/invite")
            // then
            #expect(api.status == .created)
            #expect(try api.content.get(Int.self, at: "count") == 1)
            let skipped = try api.content.get([PendingInstallInvitations.Skipped].self, at: "skipped")
            #expect(skipped == [.init(email: "ADA@example.com", reason: PendingInstallInvitations.reason)])
            #expect(console.status == .ok)
            #expect(console.body.string.contains("bob@example.com: already has a pending install invitation for this key"))
            let invited = try await Invitation.query(on: app.db).filter(\.$kind == .install).all().map(\.email).sorted()
            #expect(invited == ["ada@example.com", "bob@example.com", "cy@example.com"])
        }
    }

    @Test("an expired or accepted install invitation does not block a new one; another key's does not either")
    func onlyPendingInvitationsOfTheSameKeyBlock() async throws {
        try await withHerald { app in
            // given
            let headers = try await HeaderBoundTextTests.apiHeaders(app)
            let keyID = try await Self.key(app, headers)
            let otherKey = try await app.testing().sendRequest(.POST, "/api/v1/license-keys", headers: headers,
                                                               body: try HeaderBoundTextTests.json(["name": "Other", "product": "Studio Pro", "seats": 5]))
            _ = try await Self.inviteInstall(app, headers, keyID: keyID, ["ada@example.com", "bob@example.com"])
            for invitation in try await Invitation.query(on: app.db).all() {
                if invitation.email == "ada@example.com" { invitation.expiresAt = Date().addingTimeInterval(-60) } else { invitation.status = .accepted }
                try await invitation.save(on: app.db)
            }
            // when
            let again = try await Self.inviteInstall(app, headers, keyID: keyID, ["ada@example.com", "bob@example.com"])
            let other = try await Self.inviteInstall(app, headers, keyID: try otherKey.content.get(UUID.self, at: "id"), ["ada@example.com"])
            // then
            #expect(again.status == .created)
            #expect(try again.content.get(Int.self, at: "count") == 2)
            #expect(other.status == .created)
        }
    }

    @Test("the daily quota counts every kind of message: past it the API answers 429 with Retry-After, the console says so on the form and the dashboard")
    func dailyQuotaIsEnforcedAndShown() async throws {
        try await withHerald({ $0.dailyMailQuota = 3 }) { app in
            // given: two join invitations and one install invitation use the quota up
            let headers = try await HeaderBoundTextTests.apiHeaders(app)
            let keyID = try await Self.key(app, headers)
            let joins = try await app.testing().sendRequest(.POST, "/api/v1/invitations/join", headers: headers,
                                                            body: try HeaderBoundTextTests.json(["emails": ["nia@example.com", "tom@example.com"]]))
            let tooMany = try await Self.inviteInstall(app, headers, keyID: keyID, ["ada@example.com", "bob@example.com"])
            let last = try await Self.inviteInstall(app, headers, keyID: keyID, ["ada@example.com"])
            var browser = BrowserSession(app)
            _ = try await browser.post("/signin", form: ["email": "admin@example.com", "password": "Correct-Horse-42"])
            let base = "/console/licenses/\(keyID.uuidString)"
            // when
            let api = try await Self.inviteInstall(app, headers, keyID: keyID, ["cy@example.com"])
            let resend = try await app.testing().sendRequest(.POST, "/api/v1/invitations/\(try #require(try await Invitation.query(on: app.db).filter(\.$kind == .join).first()).requireID())/resend", headers: headers)
            let form = try await browser.post(base + "/invite", form: ["recipients": "cy@example.com", "language": "en", "expires_in": "7"], csrfFrom: base + "/invite")
            let dashboard = try await browser.get("/console")
            // then
            #expect(joins.status == .created)
            #expect(tooMany.status == .tooManyRequests)
            #expect(last.status == .created)
            #expect(api.status == .tooManyRequests)
            #expect(try api.content.get(String.self, at: "reason").hasPrefix("quota: this organization has sent 3 of its 3 messages per 24 hours"))
            let retryAfter = try #require(api.headers.first(name: "Retry-After").flatMap(Int.init))
            #expect((86_000...86_400).contains(retryAfter))
            #expect(resend.status == .tooManyRequests)
            #expect(form.status == .tooManyRequests)
            #expect(form.body.string.contains("quota: this organization has sent 3 of its 3 messages per 24 hours"))
            #expect(form.body.string.contains("name=\"recipients\""), "the form itself, with the message on it")
            #expect(dashboard.body.string.contains("id=\"mail-quota-note\""))
            #expect(try await OutboxMessage.query(on: app.db).count() == 3)
        }
    }

    @Test("HERALD_ORG_DAILY_MAIL_QUOTA: a whole number, 0 for no limit, 100000 by default")
    func quotaConfiguration() throws {
        let base = ["HERALD_PUBLIC_URL": "https://herald.example.com"]
        #expect(try Configuration.fromEnvironment(base).dailyMailQuota == 100_000)
        #expect(try Configuration.fromEnvironment(base.merging(["HERALD_ORG_DAILY_MAIL_QUOTA": "0"]) { $1 }).dailyMailQuota == nil)
        #expect(try Configuration.fromEnvironment(base.merging(["HERALD_ORG_DAILY_MAIL_QUOTA": "500"]) { $1 }).dailyMailQuota == 500)
        #expect(throws: ConfigurationError.self) { try Configuration.fromEnvironment(base.merging(["HERALD_ORG_DAILY_MAIL_QUOTA": "lots"]) { $1 }) }
    }
}
